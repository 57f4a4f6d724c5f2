// The file store's settings and RUN_CONCURRENCY=auto (issue 25).
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../bot/config.ts';
import { createFileStore, LocalFileStore, S3FileStore } from '../../bot/store/index.ts';

describe('file store settings', () => {
  it('is DATA_DIR by default and S3 with FILE_STORE_URL', () => {
    expect(createFileStore(parseConfig({}))).toBeInstanceOf(LocalFileStore);
    const config = parseConfig({
      FILE_STORE_URL: 's3://lc-files/prod',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      FILE_CACHE_MB: '512',
    });
    expect(config.S3_FORCE_PATH_STYLE).toBe(true);
    const store = createFileStore(config);
    expect(store).toBeInstanceOf(S3FileStore);
    expect(store.where).toBe('s3://lc-files/prod');
  });

  it('refuses a store URL that is not s3://bucket/prefix', () => {
    expect(() => parseConfig({ FILE_STORE_URL: 'https://lc-files/prod' })).toThrow(ConfigError);
    expect(() => parseConfig({ S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT/);
  });

  it('RUN_CONCURRENCY=auto is one run per core this process may use', () => {
    expect(parseConfig({ RUN_CONCURRENCY: 'auto' }).RUN_CONCURRENCY).toBe(availableParallelism());
    expect(parseConfig({}).RUN_CONCURRENCY).toBe(1);
    expect(parseConfig({ RUN_CONCURRENCY: '3' }).RUN_CONCURRENCY).toBe(3);
    expect(() => parseConfig({ RUN_CONCURRENCY: 'many' })).toThrow(/RUN_CONCURRENCY/);
  });
});
