// Discord helpers: mentions stripped, thread names within Discord's limit, nonces within 25 characters, hosts checked.
import type { Message } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { discordNonce } from '../../adapters/discord/discord-surface.ts';
import { isDiscordFileHost } from '../../adapters/discord/download-attachment.ts';
import { messageToIncoming, stripMentions, threadName } from '../../adapters/discord/translate-events.ts';

describe('Discord translation helpers', () => {
  it('strips every mention form (user, nickname, role) and a typed @linguacodus', () => {
    expect(stripMentions('<@42> predict <@7> price <@!42> for <@&99>')).toBe('predict price for');
    expect(stripMentions('<@!80351110224678912> status')).toBe('status');
    expect(stripMentions('@linguacodus help')).toBe('help');
    expect(stripMentions('#general <#123> stays')).toBe('#general <#123> stays');
  });

  it('delivers a message’s text to the bot without mention markup', () => {
    // Only the fields the translation reads; a whole discord.js Message needs a live client.
    const message = {
      id: '900',
      content: '<@42>  predict   the price',
      author: { id: '7', username: 'ann', globalName: 'Ann' },
    } as unknown as Message<true>;
    const thread = { surface: 'discord' as const, space: 'G1', channel: 'C1', thread: '900' };
    expect(messageToIncoming(message, thread, true, true, [])).toEqual({
      type: 'message',
      thread,
      isRoot: true,
      messageId: '900',
      user: { id: '7', name: 'Ann' },
      text: 'predict the price',
      files: [],
      addressed: true,
    });
  });

  it('names a thread from the task, 1 to 60 characters, without mention markup', () => {
    expect(threadName('<@42> predict the price')).toBe('predict the price');
    expect(threadName('<@42>')).toBe('Linguacodus task');
    expect(threadName('word '.repeat(40)).length).toBeLessThanOrEqual(60);
  });

  it('derives a stable nonce of at most 25 characters from any idempotency key', () => {
    const key = `deliver:${'x'.repeat(200)}`;
    expect(discordNonce(key)).toBe(discordNonce(key));
    expect(discordNonce(key).length).toBeLessThanOrEqual(25);
    expect(discordNonce('a')).not.toBe(discordNonce('b'));
  });

  it('fetches attachments only from Discord’s CDN over HTTPS, or the configured test host', () => {
    expect(isDiscordFileHost(new URL('https://cdn.discordapp.com/attachments/1/2/a.csv'))).toBe(true);
    expect(isDiscordFileHost(new URL('https://media.discordapp.net/attachments/1/2/a.csv'))).toBe(true);
    expect(isDiscordFileHost(new URL('http://cdn.discordapp.com/a.csv'))).toBe(false);
    expect(isDiscordFileHost(new URL('https://cdn.discordapp.com.evil.example/a.csv'))).toBe(false);
    expect(isDiscordFileHost(new URL('http://127.0.0.1:5000/a.csv'), '127.0.0.1:5000')).toBe(true);
  });
});
