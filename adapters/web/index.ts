// The local web chat surface (the default when no Slack or Discord is configured): its factory and its options.
export type { WebMember } from './web-auth.ts';
export type { WebAdapterOptions } from './web-options.ts';
export { createWebSurface, type WebSurface } from './web-surface.ts';
