// Discord rendering stays within Discord's documented limits for content, embeds, buttons and attachments.
import { ButtonStyle, ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS } from '../../adapters/discord/limits.ts';
import { OVERFLOW_FILENAME, renderDiscordMessage } from '../../adapters/discord/render-components.ts';
import type { OutgoingMessage } from '../../contract/messages.ts';

describe('renderDiscordMessage', () => {
  it('renders text, context, code, progress and buttons in order', () => {
    const out = renderDiscordMessage({
      text: 'Plan',
      blocks: [
        { kind: 'heading', text: 'Plans' },
        { kind: 'text', text: '**Best** option' },
        { kind: 'context', text: 'resolver chose 2' },
        { kind: 'code', language: 'python', code: 'print(1)' },
        { kind: 'progress', label: 'Stage', step: 1, total: 4 },
        {
          kind: 'buttons',
          buttons: [
            { action: 'vote:1', label: 'Vote 1', style: 'primary' },
            { action: 'cancel', label: 'Cancel', style: 'danger' },
            { action: 'full', label: 'Full', style: 'default' },
          ],
        },
      ],
    });
    expect(out.content).toBe(
      '## Plans\n**Best** option\n-# resolver chose 2\n```python\nprint(1)\n```\n**Stage**\n▰▰▰▱▱▱▱▱▱▱ 1/4',
    );
    expect(out.embeds).toEqual([]);
    expect(out.components).toEqual([
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, custom_id: 'vote:1', label: 'Vote 1', style: ButtonStyle.Primary },
          { type: ComponentType.Button, custom_id: 'cancel', label: 'Cancel', style: ButtonStyle.Danger },
          { type: ComponentType.Button, custom_id: 'full', label: 'Full', style: ButtonStyle.Secondary },
        ],
      },
    ]);
  });

  it('puts at most five buttons in a row and five rows in a message, labels clamped', () => {
    const buttons = Array.from({ length: 28 }, (_, i) => ({
      action: `a${i}`,
      label: 'L'.repeat(120),
      style: 'default' as const,
    }));
    const out = renderDiscordMessage({ text: 't', blocks: [{ kind: 'buttons', buttons }] });
    expect(out.components.length).toBe(DISCORD_LIMITS.rows);
    for (const row of out.components) {
      expect(row.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonsPerRow);
      for (const b of row.components) {
        expect(b.label?.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonLabel);
        expect(b.custom_id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
      }
    }
    expect(out.content).toContain('3 more option(s)');
  });

  it('starts a row for each button group (votes, then runs)', () => {
    const group = (kind: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        action: `${kind}:${i}`,
        label: `${kind} ${i}`,
        style: 'default' as const,
      }));
    const out = renderDiscordMessage({
      text: 't',
      blocks: [
        { kind: 'buttons', buttons: group('vote', 4) },
        { kind: 'buttons', buttons: group('run', 4) },
        { kind: 'buttons', buttons: [{ action: 'full', label: 'Full text', style: 'default' }] },
      ],
    });
    expect(out.components.map((r) => r.components.map((b) => b.custom_id))).toEqual([
      ['vote:0', 'vote:1', 'vote:2', 'vote:3'],
      ['run:0', 'run:1', 'run:2', 'run:3'],
      ['full'],
    ]);
  });

  it('moves long code to an attachment and long text to embeds then an overflow file', () => {
    const code = Array.from({ length: 100 }, (_, i) => `v${i} = ${i}`).join('\n');
    const text = Array.from({ length: 400 }, (_, i) => `line ${i} ${'y'.repeat(40)}`).join('\n');
    const message: OutgoingMessage = {
      text: 'r',
      blocks: [
        { kind: 'code', language: 'python', code, filename: 'solution.py' },
        { kind: 'text', text },
      ],
    };
    const out = renderDiscordMessage(message);
    expect(out.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(out.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    const embedChars = out.embeds.reduce((n, e) => n + (e.description?.length ?? 0), 0);
    expect(embedChars).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    for (const e of out.embeds)
      expect(e.description?.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(out.files.map((f) => f.name)).toEqual(['solution.py', OVERFLOW_FILENAME]);
    expect(out.files[0]?.content).toBe(code);
    const all = [out.content, ...out.embeds.map((e) => e.description), out.files[1]?.content].join('\n');
    expect(all).toContain('line 0 ');
    expect(all).toContain('line 399 ');
  });

  it('names a file too large to attach instead of attaching it', () => {
    const out = renderDiscordMessage({
      text: 'f',
      blocks: [
        {
          kind: 'file',
          file: {
            name: 'big.csv',
            path: '/tmp/big.csv',
            mime: 'text/csv',
            bytes: DISCORD_LIMITS.attachmentBytes + 1,
          },
        },
        {
          kind: 'image',
          file: { name: 'c.png', path: '/tmp/c.png', mime: 'image/png', bytes: 10 },
          alt: 'chart',
        },
      ],
    });
    expect(out.files).toEqual([{ name: 'c.png', path: '/tmp/c.png', bytes: 10 }]);
    expect(out.content).toContain('`big.csv` is too large');
  });
});
