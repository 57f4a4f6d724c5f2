// The chat page's files: its own (public/, its script's ES modules in public/app/) and the vendor files prepared at
// start, by a fixed table of paths.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VENDOR_NAMES } from './vendor-assets.ts';

export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** The entry module's parts (app.js imports them as /app/name.js): the .js files of public/app/, listed at start. */
const APP_MODULES = readdirSync(path.join(PUBLIC_DIR, 'app')).filter((name) => name.endsWith('.js'));

const PAGE_FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
  ...Object.fromEntries(APP_MODULES.map((name) => [`/app/${name}`, `app/${name}`])),
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The file behind a page path, or undefined: nothing outside the table is ever read. */
export function assetFile(pathname: string, vendorDir: string): string | undefined {
  const page = PAGE_FILES[pathname];
  if (page) return path.join(PUBLIC_DIR, page);
  const vendor = pathname.startsWith('/vendor/') ? pathname.slice('/vendor/'.length) : undefined;
  if (vendor && VENDOR_NAMES.has(vendor)) return path.join(vendorDir, vendor);
  return undefined;
}

/** The Content-Type a page file is served with. */
export function assetType(file: string): string {
  return TYPES[path.extname(file)] ?? 'text/plain';
}
