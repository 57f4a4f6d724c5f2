// Discord's typing indicator while the bot understands and plans a task (OutgoingMessage.busy on the plan's
// acknowledgement), through discord.js and the real bot against the local Discord: typing in the task's thread
// before the plan, none once the plan is posted.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordSurface } from '../../adapters/discord/index.ts';
import { discordSurfaceOptions } from '../../bot/surface-options.ts';
import { FakeDiscordServer } from '../helpers/fake-discord-server.ts';
import {
  BLUEBERRY as CSV_PATH,
  type PlatformBot,
  startPlatformBot,
  BLUEBERRY_TASK as TASK,
} from '../helpers/platform-bot.ts';

const TOKEN = 'fake-discord-token-typing';

let fake: FakeDiscordServer;
let bot: PlatformBot;

beforeAll(async () => {
  fake = new FakeDiscordServer(TOKEN, 2000);
  await fake.start();
  bot = await startPlatformBot(
    { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: fake.apiUrl, DISCORD_GATEWAY_URL: fake.gatewayUrl },
    (config, logger) => createDiscordSurface(discordSurfaceOptions(config, logger)),
  );
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await fake?.stop();
  await bot?.cleanup();
});

describe('the typing indicator', () => {
  it('shows in the thread while the task is planned, and stops with the plan', {
    timeout: 150_000,
  }, async () => {
    const attachment = fake.hostAttachment('blueberry.csv', await readFile(CSV_PATH), 'text/csv');
    const taskId = fake.userMessage({ content: TASK, mentionBot: true, attachments: [attachment] });
    const typing = () => fake.requestsTo('POST', new RegExp(`^/channels/${taskId}/typing$`));
    const plan = await fake.waitFor(
      () =>
        fake
          .requestsTo('POST', new RegExp(`^/channels/${taskId}/messages$`))
          .find((r) => JSON.stringify(r.body?.components ?? []).includes('|run|')),
      'the plan',
      100_000,
    );
    const first = typing()[0];
    expect(first, 'a typing call in the thread').toBeDefined();
    expect(first?.at ?? Number.POSITIVE_INFINITY).toBeLessThan(plan.at);
    // Discord's indicator lasts 10 s and is renewed every 8 s: none is sent once the plan is out.
    const count = typing().length;
    await new Promise((r) => setTimeout(r, 9000));
    expect(typing().length).toBe(count);
  });
});
