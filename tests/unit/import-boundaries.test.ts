// The README's architecture table, enforced: a room imports only itself and what its `may import` column names.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** common/ imports nothing of ours, so every room may import it. */
const COMMON = /^common\//;
/** core's public entry points: core/index.ts and one index.ts per folder (core/intake/, core/harness/, …). */
const CORE_INDEXES = /^core\/(?:[^/]+\/)?index\.ts$/;
/** The shared contracts the README names, imported directly by every side that must agree on them. */
const CORE_CONTRACTS = /^core\/(?:types|engine)\.ts$/;
const SANDBOX_INTERFACE = /^sandbox\/(?:index|types)\.ts$/;
const NEUTRAL_MESSAGES = /^bot\/(?:messages|surface)\.ts$/;
/** The bot starts each chat surface through its entry point, never its parts. */
const ADAPTER_INDEXES = /^adapters\/[^/]+\/index\.ts$/;

/** What each room may import besides its own files (repository-relative paths); tests/ may import anything. */
const MAY_IMPORT: Record<string, RegExp[]> = {
  common: [],
  sandbox: [],
  core: [SANDBOX_INTERFACE, COMMON],
  bot: [CORE_INDEXES, CORE_CONTRACTS, SANDBOX_INTERFACE, ADAPTER_INDEXES, COMMON],
  adapters: [NEUTRAL_MESSAGES, COMMON],
  bench: [CORE_INDEXES, CORE_CONTRACTS, SANDBOX_INTERFACE, COMMON],
  training: [CORE_INDEXES, CORE_CONTRACTS, /^core\/prompts\.ts$/, COMMON],
};

/**
 * Imports that break the table today, in rooms whose owners are moving them (file → import). Each line says the
 * way out. The test also fails when one of them no longer happens, so this list only ever shrinks.
 */
const KNOWN_EXCEPTIONS: readonly string[] = [];

const SOURCE = /\.(?:ts|mts|js|mjs)$/;

/** `from '…'` (imports and re-exports), `import '…'` (side effects), `import('…')` (dynamic, and JSDoc types). */
const SPECIFIER = /(?:\bfrom\s*|^\s*import\s+|\bimport\s*\(\s*)['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(rel);
    return SOURCE.test(entry.name) ? [rel] : [];
  });
}

/** Every import of ours (a relative specifier) as `file → target`, both repository-relative. */
function importsOf(file: string): { file: string; target: string }[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((m) => m[1] as string)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({
      file,
      target: path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)),
    }));
}

const roomOf = (file: string) => file.split('/')[0] as string;

function allowed(file: string, target: string): boolean {
  const room = roomOf(file);
  return roomOf(target) === room || (MAY_IMPORT[room] ?? []).some((rule) => rule.test(target));
}

const imports = Object.keys(MAY_IMPORT).flatMap((room) => sourceFiles(room).flatMap(importsOf));
const forbidden = [
  ...new Set(imports.filter((i) => !allowed(i.file, i.target)).map((i) => `${i.file} → ${i.target}`)),
];

describe('import boundaries', () => {
  it('reads every kind of import it must judge', () => {
    const found = new Set(imports.map((i) => `${i.file} → ${i.target}`));
    // A static import, a dynamic one, a re-export, and a JSDoc type import in the browser script.
    expect(found).toContain('bot/start-process.ts → bot/config.ts');
    expect(found).toContain('bot/start-process.ts → adapters/slack/index.ts');
    expect(found).toContain('adapters/web/index.ts → adapters/web/web-surface.ts');
    expect(found).toContain('adapters/web/public/app.js → adapters/web/web-views.ts');
  });

  it('judges by the table: public entry points and contracts yes, another room’s insides no', () => {
    expect(allowed('adapters/slack/slack-surface.ts', 'bot/surface.ts')).toBe(true);
    expect(allowed('adapters/slack/slack-surface.ts', 'bot/config.ts')).toBe(false);
    expect(allowed('adapters/web/web-surface.ts', 'core/errors.ts')).toBe(false);
    expect(allowed('bench/run-bench.ts', 'core/harness/index.ts')).toBe(true);
    expect(allowed('bench/run-bench.ts', 'core/harness/metrics.ts')).toBe(false);
    expect(allowed('bot/main.ts', 'adapters/web/index.ts')).toBe(true);
    expect(allowed('bot/main.ts', 'adapters/web/web-store.ts')).toBe(false);
    expect(allowed('core/pipeline/run-plan.ts', 'sandbox/types.ts')).toBe(true);
    expect(allowed('core/pipeline/run-plan.ts', 'sandbox/bwrap-driver.ts')).toBe(false);
    expect(allowed('core/pipeline/run-plan.ts', 'bot/config.ts')).toBe(false);
    expect(allowed('sandbox/cli.ts', 'common/errors.ts')).toBe(false);
    expect(allowed('common/errors.ts', 'core/types.ts')).toBe(false);
  });

  it('every room imports only what the README’s table allows', () => {
    const fresh = forbidden.filter((v) => !KNOWN_EXCEPTIONS.includes(v));
    expect(fresh, `forbidden imports (file → import): see the README's architecture table`).toEqual([]);
  });

  it('each known exception still happens (once fixed, remove it from KNOWN_EXCEPTIONS)', () => {
    expect(KNOWN_EXCEPTIONS.filter((v) => !forbidden.includes(v))).toEqual([]);
  });

  it('the README’s architecture table has a row for every room', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const missing = Object.keys(MAY_IMPORT).filter((room) => !readme.includes(`| \`${room}/\``));
    expect(missing, 'rooms without a row in the README table').toEqual([]);
  });
});
