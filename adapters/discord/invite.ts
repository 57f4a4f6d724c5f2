// The Discord permissions the adapter needs and the invite URL that grants them (used by the docs and setup).
import { PermissionFlagsBits } from 'discord.js';

/** Each permission with the reason the adapter needs it. */
export const DISCORD_PERMISSIONS = {
  ViewChannel: 'see the channels it is mentioned in',
  SendMessages: 'answer in channels (a refusal when it cannot start a thread)',
  SendMessagesInThreads: 'post plans, progress and results in the task thread',
  CreatePublicThreads: 'start one thread per task',
  ReadMessageHistory: 'start a thread from the task message',
  AttachFiles: 'attach code, notebooks and charts',
  EmbedLinks: 'show long text in embeds',
} as const satisfies Partial<Record<keyof typeof PermissionFlagsBits, string>>;

/** The permissions integer for the invite URL. */
export function discordPermissionBits(): bigint {
  return (Object.keys(DISCORD_PERMISSIONS) as (keyof typeof DISCORD_PERMISSIONS)[]).reduce(
    (bits, name) => bits | PermissionFlagsBits[name],
    0n,
  );
}

/** OAuth2 invite for the bot user only (scope `bot`; no slash commands are used). */
export function discordInviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot',
    permissions: discordPermissionBits().toString(),
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}
