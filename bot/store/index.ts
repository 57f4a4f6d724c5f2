// The file store a process uses: S3 when FILE_STORE_URL is set, else DATA_DIR itself.
import type { Config } from '../config.ts';
import type { FileStore } from './file-store.ts';
import { LocalFileStore } from './local-store.ts';
import { S3FileStore } from './s3-store.ts';

export { type FileStore, keep, keyOf, localise } from './file-store.ts';
export { LocalFileStore } from './local-store.ts';
export { S3FileStore } from './s3-store.ts';

type StoreConfig = Pick<
  Config,
  'DATA_DIR' | 'FILE_STORE_URL' | 'S3_ENDPOINT' | 'S3_FORCE_PATH_STYLE' | 'FILE_CACHE_MB'
>;

export function createFileStore(config: StoreConfig): FileStore {
  if (!config.FILE_STORE_URL) return new LocalFileStore(config.DATA_DIR);
  return new S3FileStore({
    url: config.FILE_STORE_URL,
    dataDir: config.DATA_DIR,
    endpoint: config.S3_ENDPOINT,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    cacheBytes: config.FILE_CACHE_MB * 1024 * 1024,
  });
}
