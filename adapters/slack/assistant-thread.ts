// Slack's AI-app container (the assistant side panel and its DM threads) through Bolt's Assistant: suggested prompts
// on a new thread, a title and a status line while the bot works; the messages take the same path as a mention.
import { Assistant } from '@slack/bolt';
import type { Logger } from '../../common/logger.ts';
import { rememberNewest } from '../remember-newest.ts';

/** A suggested prompt: its button title and the message it posts. */
export interface AssistantPrompt {
  title: string;
  message: string;
}

/** Slack caps a thread's title; a task's first words are enough to find it again in the history. */
const TITLE_MAX_CHARS = 80;
/** How many threads this process remembers having titled. */
const TITLED_MEMORY = 1000;

/** What Slack shows beside the app's name while a message is being read ("Linguacodus is reading your task…"). */
export const READING_STATUS = 'is reading your task…';
/** While a message the bot posted says it is still at work (OutgoingMessage.busy). */
export const WORKING_STATUS = 'is working on it…';

/** Assistant threads live in the app's DM with a person: Slack's IM channel ids start with D. */
export function isAssistantChannel(channel: string): boolean {
  return channel.startsWith('D');
}

/** The thread's title from the task's words: one line, cut at a word boundary. */
export function titleFrom(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  if (one.length <= TITLE_MAX_CHARS) return one;
  const cut = one.slice(0, TITLE_MAX_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > TITLE_MAX_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

export interface AssistantHooks {
  prompts: readonly AssistantPrompt[];
  promptsTitle?: string;
  logger: Logger;
  /**
   * A message event in an assistant thread: the surface translates it and hands it to the bot; true when it was a
   * person's message (not the bot's own post, an edit or a join).
   */
  onMessage(event: unknown): Promise<boolean>;
}

/**
 * Bolt's Assistant for the container's events. Thread context (the channel the user is viewing) is not used by the
 * bot, so a context change is only logged (Bolt's default would rewrite the thread's first message's metadata).
 */
export function slackAssistant(hooks: AssistantHooks): Assistant {
  const { logger } = hooks;
  const titled = new Map<string, true>();
  return new Assistant({
    threadStarted: async ({ setSuggestedPrompts, event }) => {
      if (hooks.prompts.length === 0) return;
      await setSuggestedPrompts({
        prompts: hooks.prompts.map((p) => ({ ...p })),
        ...(hooks.promptsTitle ? { title: hooks.promptsTitle } : {}),
      }).catch((error: unknown) =>
        logger.warn({ err: error, thread: event.assistant_thread }, 'could not set suggested prompts'),
      );
    },
    threadContextChanged: async ({ event }) => {
      logger.debug({ thread: event.assistant_thread }, 'assistant thread context changed (not used)');
    },
    userMessage: async ({ message, setTitle, setStatus }) => {
      const m = message as { text?: unknown; channel?: unknown; thread_ts?: unknown };
      const text = typeof m.text === 'string' ? m.text.trim() : '';
      // Bot posts and edits in the thread come here too: the surface says whether a person wrote it.
      if (!(await hooks.onMessage(message)) || !text) return;
      const thread = `${String(m.channel)}|${String(m.thread_ts)}`;
      if (!titled.has(thread)) {
        // The thread's first task names it; later words in it (corrections, commands) leave the title alone.
        rememberNewest(titled, thread, true, TITLED_MEMORY);
        await setTitle(titleFrom(text)).catch((error: unknown) =>
          logger.debug({ err: error }, 'could not set the assistant thread title'),
        );
      }
      await setStatus(READING_STATUS).catch((error: unknown) =>
        logger.debug({ err: error }, 'could not set the assistant thread status'),
      );
    },
  });
}
