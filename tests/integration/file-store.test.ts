// The file store (bot/store/) against a real S3-compatible server on loopback (tests/helpers/local-s3.ts): a file
// and a folder put by one machine and read by another with its own DATA_DIR, the bounded cache, expiry by session,
// and a store that goes away: a clear infrastructure fault, and nothing lost once it is back.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../bot/config.ts';
import { createFileStore, keyOf, LocalFileStore, localise, type S3FileStore } from '../../bot/store/index.ts';
import { InfrastructureError } from '../../common/errors.ts';
import { type LocalS3, s3Env, startLocalS3 } from '../helpers/local-s3.ts';

const SID = '0123456789abcdef';
const dataDir = () => mkdtempSync(path.join(tmpdir(), 'lc-store-'));

function s3Store(s3: LocalS3, dir: string, cacheMb = 64): S3FileStore {
  const env = s3Env(s3);
  Object.assign(process.env, env);
  const config = parseConfig({
    ...env,
    DATA_DIR: dir,
    FILE_STORE_URL: `s3://${s3.bucket}/lc`,
    FILE_CACHE_MB: String(cacheMb),
  });
  return createFileStore(config) as S3FileStore;
}

describe('keys', () => {
  it('are paths under DATA_DIR, and the session part of a path recorded on another machine', () => {
    const root = path.resolve('/srv/front');
    expect(keyOf(root, `/srv/front/sessions/${SID}/uploads/1/t.csv`)).toBe(`sessions/${SID}/uploads/1/t.csv`);
    expect(keyOf(root, `/other/data/sessions/${SID}/runs/1-o1-1/`)).toBe(`sessions/${SID}/runs/1-o1-1`);
    expect(keyOf(root, '/tmp/elsewhere/t.csv')).toBeNull();
  });
});

describe('LocalFileStore (the default)', () => {
  it('is DATA_DIR itself: a local path is the file where it already is', async () => {
    const dir = dataDir();
    const store = createFileStore(parseConfig({ DATA_DIR: dir }));
    expect(store).toBeInstanceOf(LocalFileStore);
    const file = path.join(dir, 'sessions', SID, 'uploads', '1', 't.csv');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'a,b\n1,2\n');
    await store.put(`sessions/${SID}/uploads/1/t.csv`, file);
    expect(await localise(store, file)).toBe(file);
    expect(await store.list(`sessions/${SID}/`)).toEqual([`sessions/${SID}/uploads/1/t.csv`]);
    await store.delete(`sessions/${SID}`);
    expect(existsSync(file)).toBe(false);
  });
});

describe('S3FileStore on a local S3 server', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('moves an upload and a run folder from one machine to another', async () => {
    const front = s3Store(s3, dataDir());
    const worker = s3Store(s3, dataDir());
    const upload = path.join(front.root, 'sessions', SID, 'uploads', '1', 'titanic.csv');
    mkdirSync(path.dirname(upload), { recursive: true });
    writeFileSync(upload, 'id,y\n1,0\n');
    await front.put(keyOf(front.root, upload) ?? '', upload);
    // The worker gets the front's path (from the session) and reads its own copy.
    const local = await localise(worker, upload);
    expect(local).toBe(path.join(worker.root, 'sessions', SID, 'uploads', '1', 'titanic.csv'));
    expect(readFileSync(local, 'utf8')).toBe('id,y\n1,0\n');

    const run = path.join(worker.root, 'sessions', SID, 'runs', '1-o1-1');
    mkdirSync(path.join(run, 'images'), { recursive: true });
    writeFileSync(path.join(run, 'oof.csv'), 'p\n0.5\n');
    writeFileSync(path.join(run, 'images', 'a.png'), 'png');
    await worker.putTree(`sessions/${SID}/runs/1-o1-1`, run);
    const other = s3Store(s3, dataDir());
    const folder = await localise(other, run);
    expect(readFileSync(path.join(folder, 'oof.csv'), 'utf8')).toBe('p\n0.5\n');
    expect(readFileSync(path.join(folder, 'images', 'a.png'), 'utf8')).toBe('png');
    expect(await other.list(`sessions/${SID}/runs/`)).toEqual([
      `sessions/${SID}/runs/1-o1-1/images/a.png`,
      `sessions/${SID}/runs/1-o1-1/oof.csv`,
    ]);
    // A key nobody stored gives a path that does not exist (job-files.ts names it to the user).
    expect(existsSync(await other.localPath(`sessions/${SID}/uploads/9/none.csv`))).toBe(false);
  });

  it('keeps a bounded cache: the least recently used copies leave the disk, and come back on demand', async () => {
    const writer = s3Store(s3, dataDir());
    const big = Buffer.alloc(400 * 1024, 1);
    for (const n of [1, 2, 3]) {
      const file = path.join(writer.root, 'sessions', SID, 'uploads', String(n), 'big.bin');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, big);
      await writer.put(`sessions/${SID}/uploads/${n}/big.bin`, file);
    }
    const reader = s3Store(s3, dataDir(), 1); // 1 MB: two of the three fit
    const paths = [];
    for (const n of [1, 2, 3]) paths.push(await reader.localPath(`sessions/${SID}/uploads/${n}/big.bin`));
    await new Promise((r) => setTimeout(r, 100));
    expect(reader.cacheUsed).toBeLessThanOrEqual(1024 * 1024);
    expect(existsSync(paths[0] ?? '')).toBe(false);
    expect(existsSync(paths[2] ?? '')).toBe(true);
    expect((await reader.get(`sessions/${SID}/uploads/1/big.bin`)).length).toBe(big.length);
    expect(readFileSync(await reader.localPath(`sessions/${SID}/uploads/1/big.bin`)).length).toBe(big.length);
  });

  it('deletes a session’s objects with the session', async () => {
    const store = s3Store(s3, dataDir());
    const sid = 'fedcba9876543210';
    const file = path.join(store.root, 'sessions', sid, 'plan', 'plan-1.md');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '# plan');
    await store.put(`sessions/${sid}/plan/plan-1.md`, file);
    await store.delete(`sessions/${sid}`);
    expect(await store.list(`sessions/${sid}/`)).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it('says plainly when the store is away, and loses nothing: the same key reads once it is back', async () => {
    const front = s3Store(s3, dataDir());
    const file = path.join(front.root, 'sessions', SID, 'uploads', '7', 'kept.csv');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'x\n1\n');
    await front.put(`sessions/${SID}/uploads/7/kept.csv`, file);
    await s3.stop();
    const worker = s3Store(s3, dataDir());
    const away = await worker.localPath(`sessions/${SID}/uploads/7/kept.csv`).catch((e: unknown) => e);
    expect(away).toBeInstanceOf(InfrastructureError);
    expect((away as InfrastructureError).retryable).toBe(true);
    expect((away as Error).message).toMatch(
      new RegExp(
        `^The file store \\(s3://${s3.bucket}/lc\\) could not read a file: .+ This is a fault of the bot's set-up, not of your file\\.$`,
      ),
    );
    const put = await front.put(`sessions/${SID}/uploads/8/x.csv`, file).catch((e: unknown) => e);
    expect(put).toBeInstanceOf(InfrastructureError);
    await s3.start();
    expect(readFileSync(await worker.localPath(`sessions/${SID}/uploads/7/kept.csv`), 'utf8')).toBe('x\n1\n');
  });
});
