// A real S3-compatible server on loopback for the file store's tests: s3rver, in this process, its objects in a
// folder of the test's own. Chosen because it installs from npm with no binary or daemon (Debian has no MinIO or
// other S3 server package), speaks the S3 REST API the AWS SDK v3 sends (path-style, signed requests), and can be
// stopped and started again on the same port over the same folder: the store going away and coming back.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** Stops the server (the store goes away); its objects stay in its folder. */
  stop(): Promise<void>;
  /** Starts it again on the same port over the same objects. */
  start(): Promise<void>;
}

/** The SDK's standard variables for it (the credentials s3rver accepts, a region, one attempt per call). */
export function s3Env(s3: LocalS3): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '1',
    // s3rver (like older MinIO and Ceph) does not read the SDK's default streaming checksums (aws-chunked bodies).
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
  };
}

export async function startLocalS3(bucket = 'linguacodus-test'): Promise<LocalS3> {
  const directory = mkdtempSync(path.join(tmpdir(), 'lc-s3-'));
  let port = 0;
  let server: { run(): Promise<AddressInfo>; close(): Promise<void> } | null = null;
  const start = async () => {
    const s = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    const address = await s.run();
    port = address.port;
    server = s;
  };
  await start();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    stop: async () => {
      await server?.close();
      server = null;
    },
    start,
  };
}
