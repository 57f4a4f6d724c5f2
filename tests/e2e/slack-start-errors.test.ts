// A wrong Slack token or a taken port stops the start with a message naming the variable to fix.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackSurface } from '../../adapters/slack/index.ts';
import { parseConfig } from '../../bot/config.ts';
import { slackSurfaceOptions } from '../../bot/surface-options.ts';
import { createLogger } from '../../common/pino-logger.ts';
import { LinguacodusError } from '../../core/errors.ts';
import { FakeSlackServer } from '../helpers/fake-slack-server.ts';
import { dropPrefix, testPrefix } from '../helpers/redis-prefix.ts';

/** Event ids are remembered in Redis (across processes): this file's own prefix, removed at the end. */
const PREFIX = testPrefix('slack-start');

const BOT_TOKEN = 'xoxb-1-2-startcheck';
const APP_TOKEN = 'xapp-1-A0APP-3-startcheck';
let fake: FakeSlackServer;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  fake = new FakeSlackServer({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  await fake.start();
});

afterAll(async () => {
  await fake?.stop();
  await dropPrefix(PREFIX);
});

async function startError(env: Record<string, string>): Promise<LinguacodusError> {
  const surface = createSlackSurface(
    slackSurfaceOptions(
      parseConfig({
        QUEUE_PREFIX: PREFIX,
        SLACK_API_URL: fake.apiUrl,
        ...env,
      }),
      logger,
    ),
  );
  const error = await surface.start(async () => {}).catch((e: unknown) => e);
  await surface.stop();
  expect(error).toBeInstanceOf(LinguacodusError);
  return error as LinguacodusError;
}

describe('Slack surface start errors', () => {
  it('names SLACK_BOT_TOKEN when auth.test refuses it', async () => {
    const error = await startError({ SLACK_BOT_TOKEN: 'xoxb-wrong-token', SLACK_APP_TOKEN: APP_TOKEN });
    expect(error.userMessage).toContain('SLACK_BOT_TOKEN');
  });

  it('names SLACK_APP_TOKEN when apps.connections.open refuses it', async () => {
    const error = await startError({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: 'xapp-wrong-token' });
    expect(error.userMessage).toContain('SLACK_APP_TOKEN');
    expect(error.userMessage).toContain('invalid_auth');
  });

  it('names SLACK_PORT when the HTTP port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startError({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: 'secret-for-start-check',
        SLACK_PORT: String(port),
      });
      expect(error.userMessage).toContain('SLACK_PORT');
      expect(error.userMessage).toContain(`port ${port} is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
