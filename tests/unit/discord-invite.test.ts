// The Discord invite grants exactly the permissions the adapter needs, and the set-up guide shows that same number.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { discordInviteUrl, discordPermissionBits } from '../../adapters/discord/invite.ts';

describe('discord invite', () => {
  it('asks for the bot scope and the seven permissions', () => {
    const url = new URL(discordInviteUrl('123456789012345678'));
    expect(url.searchParams.get('scope')).toBe('bot');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    // ViewChannel, SendMessages, EmbedLinks, AttachFiles, ReadMessageHistory, CreatePublicThreads, SendMessagesInThreads.
    const expected =
      (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 15n) | (1n << 16n) | (1n << 35n) | (1n << 38n);
    expect(discordPermissionBits()).toBe(expected);
    expect(url.searchParams.get('permissions')).toBe(expected.toString());
  });

  it('is the number docs/chat-platforms.md tells people to use', () => {
    const guide = readFileSync(new URL('../../docs/chat-platforms.md', import.meta.url), 'utf8');
    expect(guide).toContain(`permissions=${discordPermissionBits().toString()}`);
  });
});
