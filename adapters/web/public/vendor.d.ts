// The vendor modules app/code-block.js imports by URL (copied at start from highlight.js), typed for the check.
// A pattern, not the exact name: TypeScript matches a rooted name (/vendor/…) only against pattern declarations.
declare module '/vendor/hljs*' {
  import type { HLJSApi } from 'highlight.js';

  const hljs: HLJSApi;
  export default hljs;
}

declare module '/vendor/lang/*' {
  import type { LanguageFn } from 'highlight.js';

  const language: LanguageFn;
  export default language;
}
