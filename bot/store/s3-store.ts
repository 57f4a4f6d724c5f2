// The file store on any S3-compatible object store (AWS S3, MinIO, Ceph RGW, Cloudflare R2 …) through the AWS SDK
// v3: FILE_STORE_URL=s3://bucket/prefix, credentials and region from the SDK's standard variables (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_PROFILE …), S3_ENDPOINT and S3_FORCE_PATH_STYLE for stores other than AWS.
// Local copies live under DATA_DIR at the key's path, a bounded cache (least recently used out first).
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { InfrastructureError } from '../../common/errors.ts';
import { type FileStore, pathUnder } from './file-store.ts';
import { listFiles } from './local-store.ts';

export interface S3StoreOptions {
  /** s3://bucket/prefix */
  url: string;
  dataDir: string;
  /** S3_ENDPOINT: the store's address when it is not AWS (http://127.0.0.1:9000). */
  endpoint?: string;
  /** S3_FORCE_PATH_STYLE: bucket in the path (MinIO, most self-hosted stores) instead of the host name. */
  forcePathStyle?: boolean;
  /** The most bytes of local copies kept; least recently used ones go first. */
  cacheBytes: number;
  /** For tests: the client's own settings (credentials, region, retries). */
  client?: S3Client;
}

/** Parses s3://bucket/prefix; null when it is not one. */
export function parseS3Url(url: string): { bucket: string; prefix: string } | null {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m?.[1]) return null;
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  return { bucket: m[1], prefix: prefix ? `${prefix}/` : '' };
}

/** True when an S3 error says the object (or bucket key) is not there, as opposed to the store failing. */
function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata?.httpStatusCode === 404)
  );
}

export class S3FileStore implements FileStore {
  readonly root: string;
  readonly where: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly client: S3Client;
  private readonly cacheBytes: number;
  /** Local copies this process made or fetched: key → bytes, in order of last use (a Map keeps insertion order). */
  private readonly cached = new Map<string, number>();
  private cachedTotal = 0;
  /** Fetches in flight, so two jobs wanting one key fetch it once. */
  private readonly fetching = new Map<string, Promise<string>>();

  constructor(options: S3StoreOptions) {
    const parsed = parseS3Url(options.url);
    if (!parsed) throw new Error(`FILE_STORE_URL is not s3://bucket/prefix: ${options.url}`);
    this.bucket = parsed.bucket;
    this.prefix = parsed.prefix;
    this.where = options.url;
    this.root = path.resolve(options.dataDir);
    this.cacheBytes = options.cacheBytes;
    this.client =
      options.client ??
      new S3Client({
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        forcePathStyle: options.forcePathStyle ?? false,
      });
  }

  /** Runs one call to the store; a store that fails or does not answer is the bot's infrastructure fault. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      if (isMissing(cause)) throw cause;
      const reason = cause instanceof Error ? cause.message || cause.name : String(cause);
      throw new InfrastructureError(
        `The file store (${this.where}) could not ${what}: ${reason}. This is a fault of the bot's set-up, not of your file.`,
        { cause },
      );
    }
  }

  async put(key: string, file: string): Promise<void> {
    const { size } = await stat(file);
    await this.call('store a file', () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: createReadStream(file),
          ContentLength: size,
        }),
      ),
    );
    // The file is already where a local copy of the key lives when it was written under DATA_DIR.
    if (path.resolve(file) === pathUnder(this.root, key)) this.touch(key, size);
  }

  async putTree(key: string, dir: string): Promise<void> {
    const files = await listFiles(dir);
    for (const rel of files) await this.put(`${key}/${rel}`, path.join(dir, ...rel.split('/')));
    this.evict(new Set(files.map((rel) => `${key}/${rel}`)));
  }

  async get(key: string): Promise<Buffer> {
    const out = await this.call('read a file', () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key })),
    );
    if (!out.Body) throw new Error(`empty answer for ${key}`);
    return Buffer.from(await out.Body.transformToByteArray());
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('list files', () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            ContinuationToken: token,
          }),
        ),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async sessionIds(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('list sessions', () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: `${this.prefix}sessions/`,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        ),
      );
      for (const p of page.CommonPrefixes ?? []) {
        const id = p.Prefix?.slice(`${this.prefix}sessions/`.length).replace(/\/$/, '');
        if (id) ids.push(id);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return ids;
  }

  async delete(key: string): Promise<void> {
    const keys = [...new Set([...(await this.list(`${key}/`)), key])];
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      await this.call('delete files', () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: chunk.map((k) => ({ Key: this.prefix + k })), Quiet: true },
          }),
        ),
      );
    }
    for (const k of [...this.cached.keys()]) if (k === key || k.startsWith(`${key}/`)) this.forget(k);
    await rm(pathUnder(this.root, key), { recursive: true, force: true });
  }

  localPath(key: string, bytes?: number): Promise<string> {
    const pending = this.fetching.get(key);
    if (pending) return pending;
    const fetched = this.fetch(key, bytes).finally(() => this.fetching.delete(key));
    this.fetching.set(key, fetched);
    return fetched;
  }

  private async fetch(key: string, bytes?: number): Promise<string> {
    const dest = pathUnder(this.root, key);
    // A file: one object under the key.
    const held = this.cached.get(key);
    if (held !== undefined && (bytes === undefined || held === bytes) && existsSync(dest)) {
      this.touch(key, held);
      return dest;
    }
    try {
      const bytes = await this.get(key);
      await writeAtomically(dest, bytes);
      this.touch(key, bytes.length);
      this.evict(new Set([key]));
      return dest;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    // A folder: the objects under `key/` (a run folder, an images/ folder); none: a path that does not exist.
    const keys = await this.list(`${key}/`);
    for (const k of keys) {
      if (this.cached.has(k) && existsSync(pathUnder(this.root, k))) {
        this.touch(k, this.cached.get(k) ?? 0);
        continue;
      }
      const bytes = await this.get(k);
      await writeAtomically(pathUnder(this.root, k), bytes);
      this.touch(k, bytes.length);
    }
    this.evict(new Set(keys));
    return dest;
  }

  private touch(key: string, bytes: number): void {
    this.forget(key);
    this.cached.set(key, bytes);
    this.cachedTotal += bytes;
  }

  private forget(key: string): void {
    const bytes = this.cached.get(key);
    if (bytes === undefined) return;
    this.cached.delete(key);
    this.cachedTotal -= bytes;
  }

  /** Removes the least recently used local copies until the cache fits, never those of `keep` (just used). */
  private evict(keep: Set<string>): void {
    for (const [key] of this.cached) {
      if (this.cachedTotal <= this.cacheBytes) return;
      if (keep.has(key)) continue;
      this.forget(key);
      void rm(pathUnder(this.root, key), { force: true });
    }
  }

  /** Bytes of local copies held now (for tests and the log). */
  get cacheUsed(): number {
    return this.cachedTotal;
  }
}

async function writeAtomically(dest: string, bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.part-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, bytes);
  await rename(tmp, dest);
}
