// The help reply: every thread command, how to name a target and a metric, and every metric the harness scores.
import { describe, expect, it } from 'vitest';
import { help } from '../../bot/render/render-help.ts';
import { outgoingMessageSchema } from '../../contract/messages.ts';
import { METRICS } from '../../core/harness/index.ts';
import { metricNameSchema } from '../../core/types.ts';

describe('help', () => {
  const message = help();
  const all = message.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');

  it('is a valid neutral message', () => {
    expect(outgoingMessageSchema.safeParse(message).success).toBe(true);
  });

  it('lists the thread commands', () => {
    for (const command of ['help', 'status', 'cancel', 'rerun', 'improve [N]', 'blend'])
      expect(all).toContain(`\`${command}\``);
  });

  it('says how to name a target and a metric', () => {
    expect(all).toContain('`target: <column>`');
    expect(all).toMatch(/column’s name alone/);
    expect(all).toContain('`metric: <name>`');
  });

  it('lists every metric the harness knows, from its registry, with its direction', () => {
    for (const name of metricNameSchema.options) {
      const m = METRICS[name];
      expect(all).toContain(`\`${name}\` (${m.label}, ${m.higherIsBetter ? 'higher' : 'lower'} is better)`);
    }
  });

  it('mentions the vanilla control', () => {
    expect(all).toMatch(/vanilla control/i);
  });
});
