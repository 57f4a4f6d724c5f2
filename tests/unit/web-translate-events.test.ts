// The web chat's posts and button presses become the bot's IncomingEvent: threads, roots, a typed @linguacodus removed.
import { describe, expect, it } from 'vitest';
import { messageToIncoming, pressToIncoming } from '../../adapters/web/translate-events.ts';
import type { WebMessage } from '../../adapters/web/web-store.ts';

const ANN = { id: 'web-ann', name: 'Ann' };

function message(fields: Partial<WebMessage>): WebMessage {
  return {
    id: 'm1',
    channel: 'general',
    thread: null,
    user: ANN,
    bot: false,
    text: '',
    blocks: null,
    files: [],
    ts: 1,
    editedTs: null,
    ...fields,
  };
}

describe('web chat events', () => {
  it('a message that opens a thread is its root, addressed to the bot, without a typed @linguacodus', () => {
    expect(messageToIncoming(message({ text: '@linguacodus predict price' }), [])).toEqual({
      type: 'message',
      thread: { surface: 'web', space: '', channel: 'general', thread: 'm1' },
      isRoot: true,
      messageId: 'm1',
      user: ANN,
      text: 'predict price',
      files: [],
      addressed: true,
    });
  });

  it('a reply belongs to its root’s thread, and keeps its own lines', () => {
    const incoming = messageToIncoming(message({ id: 'm2', thread: 'm1', text: 'status\n@Linguacodus' }), []);
    expect(incoming).toMatchObject({
      isRoot: false,
      messageId: 'm2',
      text: 'status',
      thread: { thread: 'm1' },
    });
    expect(messageToIncoming(message({ text: 'Predict y.\nMetric: mae' }), [])).toMatchObject({
      text: 'Predict y.\nMetric: mae',
    });
  });

  it('a button press names the message carrying it and its thread', () => {
    expect(pressToIncoming(message({ id: 'm3', thread: 'm1', bot: true }), 'lc|run|1', ANN, 'p1')).toEqual({
      type: 'action',
      thread: { surface: 'web', space: '', channel: 'general', thread: 'm1' },
      messageId: 'm3',
      user: ANN,
      action: 'lc|run|1',
      pressId: 'p1',
    });
  });
});
