// The task card and the choice messages rendered for Slack stay within Block Kit's limits at their largest, and keep
// every button.
import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../adapters/slack/limits.ts';
import { renderSlackMessage, totalBlockChars } from '../../adapters/slack/render-blocks.ts';
import { largestTaskMessages } from '../helpers/task-messages.ts';

type AnyBlock = { type: string; text?: { text: string }; elements?: Array<Record<string, unknown>> };

describe('the task card and choices in Slack', () => {
  for (const { name, message, buttons } of largestTaskMessages()) {
    it(`${name}: within Block Kit's limits, every button kept`, () => {
      const out = renderSlackMessage(message);
      const blocks = out.blocks as AnyBlock[];
      expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
      expect(totalBlockChars(out.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockText);
      expect(out.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
      const elements = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
      expect(elements).toHaveLength(buttons);
      for (const b of blocks) {
        if (b.type === 'section') expect(b.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        if (b.type === 'header') expect(b.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
        if (b.type === 'actions')
          expect(b.elements?.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      }
      for (const e of elements) {
        expect((e.text as { text: string }).text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect((e.action_id as string).length).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
        expect((e.value as string).length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      }
      expect(new Set(elements.map((e) => e.action_id)).size).toBe(elements.length);
    });
  }
});
