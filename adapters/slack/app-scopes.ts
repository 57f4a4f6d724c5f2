// The Slack scopes and bot events this adapter uses, each with the reason; slack-app-manifest.yaml must list exactly these.

/** Bot token scopes. */
export const SLACK_BOT_SCOPES = {
  'app_mentions:read': 'receive app_mention events (a task addressed to the bot)',
  'channels:history':
    'receive messages in public channels (configured channels, thread replies); conversations.replies finds a post already made under a delivery key',
  'groups:history':
    'receive messages in private channels the bot was invited to; conversations.replies there',
  'chat:write':
    'chat.postMessage (with message metadata: no extra scope), chat.update and chat.postEphemeral',
  'files:read': 'download files shared with a task (url_private)',
  'files:write': 'files.uploadV2: code, notebooks and charts in the thread',
  'users:read': 'users.info: the name shown in replies ("started by Ann")',
  'assistant:write':
    'assistant.threads.setSuggestedPrompts, setTitle and setStatus in the AI-app container (needs the assistant_view feature)',
  'im:history':
    'receive messages in assistant threads (DMs with the app, message.im); conversations.replies there',
} as const;

/** Events API subscriptions (bot events). */
export const SLACK_BOT_EVENTS = {
  app_mention: 'a message that mentions the bot',
  'message.channels': 'messages in public channels the bot is in',
  'message.groups': 'messages in private channels the bot is in',
  assistant_thread_started: 'a person opened a new assistant thread: it gets the suggested prompts',
  assistant_thread_context_changed:
    'the channel beside an assistant thread changed (Bolt needs it; not used)',
  'message.im': 'messages in assistant threads: tasks, the same path as a mention',
} as const;
