// The README's architecture table, enforced: a room imports only itself and what its `may import` column names;
// the packages that belong to one room are imported only there; core's inner rooms import only those below them.
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
/** The neutral contract between the bot and the chat platforms: messages, blocks, actions, the surface interface. */
const CONTRACT = /^contract\//;
/** The bot starts each chat surface through its entry point, never its parts. */
const ADAPTER_INDEXES = /^adapters\/[^/]+\/index\.ts$/;

/** What each room may import besides its own files (repository-relative paths); tests/ may import anything. */
const MAY_IMPORT: Record<string, RegExp[]> = {
  common: [],
  sandbox: [],
  contract: [COMMON],
  core: [SANDBOX_INTERFACE, COMMON],
  bot: [CORE_INDEXES, CORE_CONTRACTS, SANDBOX_INTERFACE, ADAPTER_INDEXES, CONTRACT, COMMON],
  adapters: [CONTRACT, COMMON],
  bench: [CORE_INDEXES, CORE_CONTRACTS, SANDBOX_INTERFACE, COMMON],
  training: [CORE_INDEXES, CORE_CONTRACTS, /^core\/prompts\.ts$/, COMMON],
};

/**
 * Imports that break the table today, in rooms whose owners are moving them (file → import). Each line says the
 * way out. The test also fails when one of them no longer happens, so this list only ever shrinks.
 */
const KNOWN_EXCEPTIONS: readonly string[] = [];

/** Packages that belong to one room: imported there and nowhere else (tests aside). */
const PACKAGE_ROOMS: { name: RegExp; may: RegExp; why: string }[] = [
  { name: /^pino(?:-pretty)?$/, may: COMMON, why: 'the logger is made in common/pino-logger.ts' },
  { name: /^@slack\//, may: /^adapters\/slack\//, why: 'Slack is the Slack adapter’s' },
  {
    name: /^(?:discord\.js|@discordjs\/.*)$/,
    may: /^adapters\/discord\//,
    why: 'Discord is the Discord adapter’s',
  },
  { name: /^bullmq$/, may: /^bot\//, why: 'the queues are the bot’s' },
];

/**
 * core's inner rooms, lowest first: a room imports only rooms before it (so there is no cycle between them). The
 * files at core's root are its contracts (types, engine, metrics, prompts …) and entry point, outside this order.
 */
const CORE_ORDER = ['intake', 'harness', 'llm', 'offline', 'pipeline', 'cli'] as const;

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

const specifiersOf = (file: string) =>
  [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(SPECIFIER)].map((m) => m[1] as string);

/** Every import of ours (a relative specifier) as `file → target`, both repository-relative. */
function importsOf(file: string): { file: string; target: string }[] {
  return specifiersOf(file)
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

/** A package import's name: `pino`, `@slack/bolt` (not `node:` built-ins, nor our own relative paths). */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

function packageAllowed(file: string, pkg: string): boolean {
  return PACKAGE_ROOMS.every((rule) => !rule.name.test(pkg) || rule.may.test(file));
}

/** The inner room of a core file (`core/intake/x.ts` → intake), or null at core's root. */
const coreRoomOf = (file: string) => /^core\/([^/]+)\//.exec(file)?.[1] ?? null;

function coreOrderAllows(file: string, target: string): boolean {
  const from = coreRoomOf(file);
  const to = coreRoomOf(target);
  if (!file.startsWith('core/') || !target.startsWith('core/') || !from || !to || from === to) return true;
  const order: readonly string[] = CORE_ORDER;
  return order.indexOf(to) >= 0 && order.indexOf(to) < order.indexOf(from);
}

const files = Object.keys(MAY_IMPORT).flatMap((room) => sourceFiles(room));
const imports = files.flatMap(importsOf);
const forbidden = [
  ...new Set(imports.filter((i) => !allowed(i.file, i.target)).map((i) => `${i.file} → ${i.target}`)),
];
const packageImports = files.flatMap((file) =>
  specifiersOf(file).flatMap((s) => {
    const pkg = packageOf(s);
    return pkg ? [{ file, pkg }] : [];
  }),
);

describe('import boundaries', () => {
  it('reads every kind of import it must judge', () => {
    const found = new Set(imports.map((i) => `${i.file} → ${i.target}`));
    // A static import, a dynamic one, a re-export, and a JSDoc type import in the browser script.
    expect(found).toContain('bot/start-process.ts → bot/config.ts');
    expect(found).toContain('bot/start-process.ts → adapters/slack/index.ts');
    expect(found).toContain('contract/surface.ts → contract/messages.ts');
    expect(found).toContain('adapters/web/index.ts → adapters/web/web-surface.ts');
    expect(found).toContain('adapters/web/public/app.js → adapters/web/web-views.ts');
  });

  it('judges by the table: public entry points and contracts yes, another room’s insides no', () => {
    expect(allowed('adapters/slack/slack-surface.ts', 'contract/surface.ts')).toBe(true);
    expect(allowed('adapters/slack/slack-surface.ts', 'bot/jobs/deliver.ts')).toBe(false);
    expect(allowed('contract/surface.ts', 'bot/config.ts')).toBe(false);
    expect(allowed('bot/jobs/deliver.ts', 'contract/surface.ts')).toBe(true);
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

  it('judges packages by their rooms and core’s inner rooms by their order', () => {
    expect(packageOf('@slack/bolt')).toBe('@slack/bolt');
    expect(packageOf('discord.js')).toBe('discord.js');
    expect(packageOf('node:fs')).toBeNull();
    expect(packageAllowed('common/pino-logger.ts', 'pino')).toBe(true);
    expect(packageAllowed('core/index.ts', 'pino')).toBe(false);
    expect(packageAllowed('bot/jobs/workers.ts', 'bullmq')).toBe(true);
    expect(packageAllowed('adapters/web/web-store.ts', 'bullmq')).toBe(false);
    expect(packageAllowed('bot/start-process.ts', '@slack/bolt')).toBe(false);
    expect(packageAllowed('adapters/discord/discord-surface.ts', 'discord.js')).toBe(true);
    expect(coreOrderAllows('core/pipeline/run-plan.ts', 'core/harness/index.ts')).toBe(true);
    expect(coreOrderAllows('core/intake/infer-metric.ts', 'core/harness/metrics.ts')).toBe(false);
    expect(coreOrderAllows('core/harness/holdout-split.ts', 'core/intake/index.ts')).toBe(true);
    expect(coreOrderAllows('core/intake/infer-metric.ts', 'core/metrics.ts')).toBe(true);
    // Packages are seen in every room (a static import, a type import).
    const seen = new Set(packageImports.map((i) => `${i.file} → ${i.pkg}`));
    expect(seen).toContain('bot/jobs/workers.ts → bullmq');
    expect(seen).toContain('common/pino-logger.ts → pino');
  });

  it('packages that belong to one room are imported only there', () => {
    const wrong = packageImports
      .filter((i) => !packageAllowed(i.file, i.pkg))
      .map((i) => `${i.file} → ${i.pkg} (${PACKAGE_ROOMS.find((r) => r.name.test(i.pkg))?.why})`);
    expect(wrong).toEqual([]);
  });

  it('core’s inner rooms import only the rooms below them, and every inner room is in the order', () => {
    const wrong = imports
      .filter((i) => !coreOrderAllows(i.file, i.target))
      .map((i) => `${i.file} → ${i.target}`);
    expect(wrong, `core's order, lowest first: ${CORE_ORDER.join(' < ')}`).toEqual([]);
    const rooms = readdirSync(path.join(ROOT, 'core'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(rooms.filter((r) => !(CORE_ORDER as readonly string[]).includes(r))).toEqual([]);
  });

  it('the bot and the adapters meet only where the bot starts an adapter through its index', () => {
    const between = imports.filter(
      (i) =>
        (roomOf(i.file) === 'adapters' && roomOf(i.target) === 'bot') ||
        (roomOf(i.file) === 'bot' && roomOf(i.target) === 'adapters' && !ADAPTER_INDEXES.test(i.target)),
    );
    expect(between).toEqual([]);
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
