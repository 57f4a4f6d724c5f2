// The web chat serves its page files and the vendor files prepared at start from a fixed table, nothing else.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetFile } from '../../adapters/web/static-assets.ts';

const VENDOR = '/data/web/vendor';

describe('web chat page files', () => {
  it('maps the page and the prepared vendor files to their folders', () => {
    expect(assetFile('/', VENDOR)).toMatch(/adapters\/web\/public\/index\.html$/);
    expect(assetFile('/app.js', VENDOR)).toMatch(/adapters\/web\/public\/app\.js$/);
    expect(assetFile('/vendor/hljs.js', VENDOR)).toBe(path.join(VENDOR, 'hljs.js'));
    expect(assetFile('/vendor/lang/python.js', VENDOR)).toBe(path.join(VENDOR, 'lang', 'python.js'));
  });

  it('serves nothing outside the table: no other language, no node_modules, no climbing out', () => {
    for (const p of [
      '/vendor/lang/ruby.js',
      '/vendor/../../etc/passwd',
      '/vendor/lang/../../../package.json',
      '/node_modules/highlight.js/lib/core.js',
      '/web-surface.ts',
    ]) {
      expect(assetFile(p, VENDOR)).toBeUndefined();
    }
  });
});
