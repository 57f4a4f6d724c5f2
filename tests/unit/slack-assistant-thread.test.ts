// The assistant thread's title from a task's words, and which channels hold assistant threads.
import { describe, expect, it } from 'vitest';
import { isAssistantChannel, titleFrom } from '../../adapters/slack/assistant-thread.ts';

describe('assistant threads', () => {
  it('titles a thread with the task on one line, cut at a word within 80 characters', () => {
    expect(titleFrom('Predict  churn\nfrom my CSV')).toBe('Predict churn from my CSV');
    const long = titleFrom(`Predict the yield ${'of the blueberry field '.repeat(10)}`);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/field…$|of…$|the…$|blueberry…$/);
  });

  it('takes DMs with the app (D…) as assistant threads, channels not', () => {
    expect(isAssistantChannel('D0ALICEDM')).toBe(true);
    expect(isAssistantChannel('C0DATATEAM')).toBe(false);
    expect(isAssistantChannel('G0PRIVATE')).toBe(false);
  });
});
