// A zip of pictures through the bot and the web chat on real Redis and the real core: the task card says what the
// pictures are, and the plan offers the three image options; a zip that climbs out of its folder is refused with
// the reason, and the session stays usable.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANN as ann,
  isPlan,
  type MessageView,
  startWebBot,
  textOf,
  type WebBot,
} from '../helpers/bot-test-kit.ts';
import { classPicture, writeZip } from '../helpers/image-files.ts';

const isCard = (m: MessageView) =>
  m.bot && (m.blocks ?? []).some((b) => b.kind === 'heading' && b.text === 'The task as I understand it');

describe('an image task through the bot', () => {
  let bot: WebBot;
  let dir: string;

  beforeAll(async () => {
    bot = await startWebBot();
    dir = await mkdtemp(join(tmpdir(), 'lc-bot-image-'));
  });

  afterAll(async () => {
    await bot?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a folder-per-class zip gets a task card describing the pictures and a plan of image options', async () => {
    const zip = writeZip(
      join(dir, 'shapes.zip'),
      Array.from({ length: 30 }, (_, i) => ({
        name: `${['bars', 'stripes'][i % 2]}/${i}.png`,
        content: classPicture(i % 2, i),
      })),
    );
    const task = await bot.chat.post(ann, 'Which pattern does each picture show? Metric: accuracy.', {
      uploads: [await bot.chat.uploadFile(zip)],
    });
    const plan = await bot.chat.waitForReply(task.id, (r) => r.find(isPlan));
    expect(textOf(plan)).toContain('target `label`');
    const { replies } = await bot.chat.thread(task.id);
    const card = replies.find(isCard) as MessageView;
    expect(textOf(card)).toContain(
      '**Data type**: image — The data is images: 30 pictures in shapes.zip (one folder per class; PNG, 12×12 px, grey).',
    );
    expect(textOf(plan)).toContain('Small CNN trained from scratch with augmentation');
  });

  it('a zip with an entry outside its folder is refused with the reason', async () => {
    const zip = writeZip(join(dir, 'evil.zip'), [
      { name: 'a/1.png', content: classPicture(0, 1) },
      { name: '../../escape.png', content: classPicture(1, 2) },
    ]);
    const task = await bot.chat.post(ann, 'Classify the pictures. Metric: accuracy.', {
      uploads: [await bot.chat.uploadFile(zip)],
    });
    const reply = await bot.chat.waitForReply(task.id, (r) =>
      r.find((m) => m.bot && textOf(m).includes('I did not unpack evil.zip')),
    );
    expect(textOf(reply)).toContain("an entry's name leaves the folder");
  });
});
