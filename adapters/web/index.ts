// The local web chat surface (the default when no Slack or Discord is configured).
export { createWebSurface, type WebSurface } from './web-surface.ts';
