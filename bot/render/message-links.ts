// A link to a message the bot posted, where the surface has one: the web chat's address of it, Discord's message URL.
// Slack has none without an API call (chat.getPermalink): its rows name the message instead.
import type { ThreadRef } from '../../contract/messages.ts';

export function messageLink(thread: ThreadRef, messageId: string): string | null {
  switch (thread.surface) {
    case 'discord':
      // In a thread, the thread is the channel: https://discord.com/channels/<guild>/<channel>/<message>.
      return `https://discord.com/channels/${thread.space || '@me'}/${thread.thread}/${messageId}`;
    case 'web':
      // The web chat opens the channel from ?channel=; thread and message say which thread to open and where.
      return `/?${new URLSearchParams({ channel: thread.channel, thread: thread.thread, message: messageId })}`;
    case 'slack':
      return null;
  }
}
