// Ask a model and read its answer; an unusable answer gets one more try with the reason fed back.
import { LinguacodusError } from '../errors.ts';
import type { ChatMessage, CompleteOptions, ModelClient } from './model-client.ts';

export async function askParsed<T>(
  client: ModelClient,
  prompt: string,
  options: CompleteOptions,
  parse: (answer: string) => T,
): Promise<T> {
  const first = await client.complete(prompt, options);
  try {
    return parse(first);
  } catch (error) {
    if (!(error instanceof LinguacodusError) || error.code !== 'llm_bad_output') throw error;
    // Models usually get the format right when told what was wrong with the last answer.
    const messages: ChatMessage[] = [
      ...(options.system ? [{ role: 'system' as const, content: options.system }] : []),
      { role: 'user', content: prompt },
      { role: 'assistant', content: first },
      { role: 'user', content: `${error.message} Please answer again in the requested format.` },
    ];
    const second = await client.complete(messages, { ...options, purpose: `${options.purpose} (retry)` });
    return parse(second);
  }
}
