// The vendor code the chat page loads (highlight.js), copied once at start from node_modules into a folder under
// DATA_DIR: requests read only that folder, and what can be served is fixed here, not by a request's path.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HLJS_DIR = fileURLToPath(new URL('../../node_modules/highlight.js/', import.meta.url));

/** The languages the page registers or may ask for; each is served as /vendor/lang/<name>.js. */
export const HLJS_LANGUAGES = ['python', 'bash', 'json', 'markdown', 'plaintext', 'ini', 'yaml'] as const;

interface VendorFile {
  /** Path under the vendor folder, and under /vendor/ in the page. */
  name: string;
  source: string;
  /** highlight.js ships its core as CommonJS: wrapped into an ES module the browser can import. */
  wrapCommonJs?: boolean;
}

const VENDOR_FILES: VendorFile[] = [
  { name: 'hljs.js', source: path.join(HLJS_DIR, 'lib', 'core.js'), wrapCommonJs: true },
  { name: 'hljs.css', source: path.join(HLJS_DIR, 'styles', 'github.min.css') },
  ...HLJS_LANGUAGES.map((lang) => ({
    name: `lang/${lang}.js`,
    source: path.join(HLJS_DIR, 'es', 'languages', `${lang}.js`),
  })),
];

/** The names prepareVendorAssets writes: the only /vendor/ paths the chat serves. */
export const VENDOR_NAMES: ReadonlySet<string> = new Set(VENDOR_FILES.map((f) => f.name));

/**
 * Writes every vendor file into `dir`. Each goes to a temporary name first and is renamed into place, so another
 * process starting on the same DATA_DIR never serves half a file.
 */
export async function prepareVendorAssets(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'lang'), { recursive: true });
  await Promise.all(
    VENDOR_FILES.map(async (f) => {
      let body = await readFile(f.source, 'utf8');
      if (f.wrapCommonJs) {
        body = `const module = { exports: {} }; const exports = module.exports;\n${body}\nexport default module.exports;\n`;
      }
      const dest = path.join(dir, f.name);
      const temporary = `${dest}.${process.pid}.tmp`;
      await writeFile(temporary, body);
      await rename(temporary, dest);
    }),
  );
}
