// How the bot reads chat text: thread commands recognised, an explicit metric taken as stated. (Mentions are
// stripped by each adapter, and tested with its translate-events.)
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/conversation/commands.ts';
import { statedOverrides } from '../../bot/task-text.ts';

describe('reading chat text', () => {
  it('recognises the four thread commands and nothing else', () => {
    expect(parseCommand(' Help ')).toBe('help');
    expect(parseCommand('/status')).toBe('status');
    expect(parseCommand('cancel')).toBe('cancel');
    expect(parseCommand('rerun')).toBe('rerun');
    expect(parseCommand('please cancel it')).toBeNull();
    expect(parseCommand('')).toBeNull();
  });

  it('passes an explicitly named metric to intake, and leaves other text alone', () => {
    expect(statedOverrides('Predict price. Metric: RMSE')).toEqual({ metric: 'RMSE' });
    expect(statedOverrides('predict churn; metric is area under the ROC curve.')).toEqual({
      metric: 'area under the ROC curve',
    });
    expect(statedOverrides('Predict price, scored with RMSE')).toEqual({});
  });
});
