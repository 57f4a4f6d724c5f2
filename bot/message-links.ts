// A link to a message the bot posted, where the surface has one: the web chat's anchor, Discord's message URL.
// Slack has none without an API call (chat.getPermalink): its rows name the message instead.
import type { ThreadRef } from './messages.ts';

export function messageLink(thread: ThreadRef, messageId: string): string | null {
  switch (thread.surface) {
    case 'discord':
      // In a thread, the thread is the channel: https://discord.com/channels/<guild>/<channel>/<message>.
      return `https://discord.com/channels/${thread.space || '@me'}/${thread.thread}/${messageId}`;
    case 'web':
      return `/#${encodeURIComponent(thread.channel)}/${encodeURIComponent(thread.thread)}/${encodeURIComponent(messageId)}`;
    case 'slack':
      return null;
  }
}
