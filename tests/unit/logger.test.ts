import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, jobLogger } from '../../common/pino-logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  const token = 'xoxb-123456789012-abcdefghijklmnop';

  it('writes JSON lines', () => {
    const { lines, destination } = capture();
    createLogger({ destination }).info({ stage: 'plan' }, 'planning');
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({ msg: 'planning', stage: 'plan', level: 30 });
  });

  it('redacts a token passed as a field, nested, in the message, or inside an error', () => {
    const { lines, destination } = capture();
    const secret = 'sk-proj-abcdefghijklmnopqrstuvwx';
    const logger = createLogger({ destination, secrets: [secret, 'my-signing-secret-value'] });
    logger.info({ token }, 'connected');
    logger.info({ client: { apiKey: secret } }, 'client made');
    logger.warn(`retrying with ${token} and ${secret}`);
    logger.error({ err: new Error(`401 for key ${secret}`) }, 'failed');
    logger.info({ note: 'signed with my-signing-secret-value' }, 'verified');
    const all = lines.join('');
    expect(all).not.toContain(token);
    expect(all).not.toContain(secret);
    expect(all).not.toContain('my-signing-secret-value');
    expect(all.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(6);
  });

  it('child loggers carry job and thread ids', () => {
    const { lines, destination } = capture();
    jobLogger(createLogger({ destination }), { jobId: 'run:abc', threadId: 'web:1' }).info('stage 1 of 4');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ jobId: 'run:abc', threadId: 'web:1' });
  });
});
