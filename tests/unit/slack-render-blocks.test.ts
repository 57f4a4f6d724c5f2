// Slack Block Kit rendering stays within Slack's documented limits and loses nothing the bot said.
import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../adapters/slack/limits.ts';
import {
  OVERFLOW_FILENAME,
  renderSlackMessage,
  toMrkdwn,
  totalBlockChars,
} from '../../adapters/slack/render-blocks.ts';
import type { OutgoingMessage } from '../../contract/messages.ts';

type AnyBlock = { type: string; text?: { text: string }; elements?: Array<Record<string, unknown>> };

function assertWithinLimits(blocks: AnyBlock[]) {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  expect(totalBlockChars(blocks as never)).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockText);
  for (const b of blocks) {
    if (b.type === 'section') expect(b.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    if (b.type === 'header') expect(b.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (b.type === 'actions') {
      expect(b.elements?.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      for (const e of b.elements ?? []) {
        expect((e.text as { text: string }).text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect((e.value as string).length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
        expect((e.action_id as string).length).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
      }
    }
  }
}

describe('renderSlackMessage', () => {
  it('maps each neutral block kind to its Block Kit counterpart', () => {
    const message: OutgoingMessage = {
      text: 'Plan ready',
      blocks: [
        { kind: 'heading', text: 'Three plans' },
        { kind: 'text', text: '**Best**: use [xgboost](https://xgboost.ai) & <tune>' },
        { kind: 'context', text: 'critic says ok' },
        { kind: 'code', language: 'python', code: 'print(1)' },
        { kind: 'progress', label: 'Running', step: 2, total: 4, detail: 'attempt 1' },
        {
          kind: 'buttons',
          buttons: [
            { action: 'vote:1', label: 'Vote 1', style: 'primary' },
            { action: 'run:1', label: 'Run', style: 'danger' },
            { action: 'full', label: 'Full text', style: 'default' },
          ],
        },
      ],
    };
    const out = renderSlackMessage(message);
    expect(out.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'context',
      'section',
      'section',
      'actions',
    ]);
    const sectionText = (out.blocks[1] as AnyBlock).text?.text;
    expect(sectionText).toBe('*Best*: use <https://xgboost.ai|xgboost> &amp; &lt;tune&gt;');
    expect((out.blocks[3] as AnyBlock).text?.text).toContain('```\nprint(1)\n```');
    expect((out.blocks[4] as AnyBlock).text?.text).toContain('2/4');
    const buttons = (out.blocks[5] as AnyBlock).elements ?? [];
    expect(buttons.map((b) => [b.action_id, b.value, b.style])).toEqual([
      ['vote:1', 'vote:1', 'primary'],
      ['run:1', 'run:1', 'danger'],
      ['full', 'full', undefined],
    ]);
    expect(out.uploads).toEqual([]);
    expect(out.text).toBe('Plan ready');
  });

  it('sends long code and files to the thread as uploads', () => {
    const code = Array.from({ length: 200 }, (_, i) => `x_${i} = ${i}`).join('\n');
    const file = { name: 'notebook.ipynb', path: '/tmp/nb.ipynb', mime: 'application/json', bytes: 10 };
    const out = renderSlackMessage({
      text: 'Results',
      blocks: [
        { kind: 'code', language: 'python', code, filename: 'solution.py' },
        { kind: 'file', file },
        {
          kind: 'image',
          file: { ...file, name: 'chart.png', path: '/tmp/chart.png' },
          alt: 'Feature importance',
        },
      ],
    });
    expect(out.uploads).toEqual([
      { filename: 'solution.py', title: 'solution.py', content: code },
      { filename: 'notebook.ipynb', title: 'notebook.ipynb', path: '/tmp/nb.ipynb' },
      { filename: 'chart.png', title: 'Feature importance', path: '/tmp/chart.png' },
    ]);
    expect(out.blocks.every((b) => b.type === 'context')).toBe(true);
  });

  it('clamps long labels and splits long text, keeping every limit', () => {
    const out = renderSlackMessage({
      text: 'x'.repeat(10_000),
      blocks: [
        { kind: 'heading', text: 'h'.repeat(400) },
        { kind: 'text', text: 'word '.repeat(1500) },
        {
          kind: 'buttons',
          buttons: Array.from({ length: 30 }, (_, i) => ({
            action: `a${i}`,
            label: 'L'.repeat(200),
            style: 'default' as const,
          })),
        },
      ],
    });
    assertWithinLimits(out.blocks as AnyBlock[]);
    expect(out.blocks.filter((b) => b.type === 'section').length).toBeGreaterThanOrEqual(1);
    expect(out.uploads.map((u) => u.filename)).toEqual([OVERFLOW_FILENAME]);
    expect(out.blocks.filter((b) => b.type === 'actions').length).toBe(2);
    expect(out.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });

  it('puts what is past the block and size limits into an overflow file and keeps the buttons', () => {
    const blocks: OutgoingMessage['blocks'] = Array.from({ length: 80 }, (_, i) => ({
      kind: 'text' as const,
      text: `paragraph ${i} ${'z'.repeat(300)}`,
    }));
    blocks.push({ kind: 'buttons', buttons: [{ action: 'run:2', label: 'Run 2', style: 'primary' }] });
    const out = renderSlackMessage({ text: 'long', blocks });
    assertWithinLimits(out.blocks as AnyBlock[]);
    expect(out.blocks.at(-2)?.type).toBe('actions');
    const overflow = out.uploads.find((u) => u.filename === OVERFLOW_FILENAME);
    expect(overflow?.content).toContain('paragraph 79');
    const shown = out.blocks.filter((b) => b.type === 'section').length;
    expect(overflow?.content).toContain(`paragraph ${shown} `);
    expect(overflow?.content).not.toContain(`paragraph ${shown - 1} `);
  });

  it('keeps action ids unique while the action stays whole in value', () => {
    const out = renderSlackMessage({
      text: 't',
      blocks: [
        {
          kind: 'buttons',
          buttons: [
            { action: 'same', label: 'A', style: 'default' },
            { action: 'same', label: 'B', style: 'default' },
          ],
        },
      ],
    });
    const elements = (out.blocks[0] as AnyBlock).elements ?? [];
    expect(elements.map((e) => e.action_id)).toEqual(['same', 'same#2']);
    expect(elements.map((e) => e.value)).toEqual(['same', 'same']);
  });
});

describe('toMrkdwn', () => {
  it('converts bullets and leaves italics and inline code alone', () => {
    expect(toMrkdwn('- one\n- _two_ `x`')).toBe('• one\n• _two_ `x`');
  });
});

describe('feedback on a result', () => {
  it("draws the message's two rating actions as Slack's feedback_buttons, kept when the text overflows", () => {
    const message: OutgoingMessage = {
      text: 'Run #1 scored',
      blocks: Array.from({ length: 80 }, (_, i) => ({ kind: 'text' as const, text: `line ${i}` })),
      feedback: {
        good: 'lc|0123456789abcdef|1|feedback|1|good',
        bad: 'lc|0123456789abcdef|1|feedback|1|bad',
      },
    };
    const { blocks } = renderSlackMessage(message);
    assertWithinLimits(blocks as AnyBlock[]);
    const rating = blocks.find((b) => b.type === 'context_actions') as unknown as {
      elements: { type: string; positive_button: { value: string }; negative_button: { value: string } }[];
    };
    expect(rating.elements[0]?.type).toBe('feedback_buttons');
    expect(rating.elements[0]?.positive_button.value).toBe(message.feedback?.good);
    expect(rating.elements[0]?.negative_button.value).toBe(message.feedback?.bad);
    expect(
      renderSlackMessage({ text: 'x', blocks: [] }).blocks.some((b) => b.type === 'context_actions'),
    ).toBe(false);
  });
});
