// The `help` reply: the commands, how to name a target and a metric, the metrics the harness knows, and what the
// bot can do. The metric list comes from the harness's registry, so a metric added there is listed here.

import type { OutgoingMessage } from '../../contract/messages.ts';
import { KNOWN_METRICS, METRICS } from '../../core/harness/index.ts';
import { text } from './render-replies.ts';

/** The thread's commands, each with what it does (typed in the thread, no mention needed). */
export const HELP_COMMANDS: readonly { command: string; what: string }[] = [
  { command: 'help', what: 'this message' },
  { command: 'status', what: 'the votes and every run of this thread, best first' },
  { command: 'cancel', what: 'stop the running job and its sandbox' },
  { command: 'rerun', what: 'run the last choice again' },
  { command: 'improve [N]', what: 'a new run that improves run N (without N: the best finished run)' },
  { command: 'blend', what: "combine the best finished runs' predictions (two or more runs)" },
  {
    command: 'auto [minutes]',
    what: 'search for N minutes (default 10): drafts, improvements and blends, the pick by cross-validation',
  },
];

/** Every metric the harness scores, as `name` (how it is written, which way is better). */
export function metricsLine(): string {
  return KNOWN_METRICS.map((name) => {
    const m = METRICS[name];
    return `\`${name}\` (${m.label}, ${m.higherIsBetter ? 'higher' : 'lower'} is better)`;
  }).join(', ');
}

export function helpText(): string {
  return [
    '**How to use Linguacodus**',
    '- Post a task in plain English with a CSV attached (e.g. "Predict price; metric rmse"). I reply in the thread with three ranked instructions and the resolver’s choice, each a card with its own **Vote**, **Run** and **Full text**, and a **Run vanilla control** (the task alone, no instruction: the paper’s baseline).',
    '- One vote each, and you can change it; **Run** on a card gets code, a holdout score and charts.',
    `- In the thread: ${HELP_COMMANDS.map((c) => `\`${c.command}\` (${c.what})`).join(', ')}.`,
    '- **Name the target**: `target: <column>`, or the column’s name alone (e.g. `SalePrice`). Also `id: <column>`, `type: text`, `split: group by <column>`, `drop: A, B`, or new words ("no, how old they are").',
    '- **Name the metric**: `metric: <name>` (e.g. `metric: mae`), in the task or later in the thread. Only what you name changes; the file and the rest are kept, and the task is planned again.',
    `- **Metrics I know**: ${metricsLine()}. Common spellings work too ("ROC AUC", "mean absolute error", "macro F1").`,
    '- Post a new CSV in the thread to plan the same task on it.',
  ].join('\n');
}

export const help = (): OutgoingMessage => text(helpText());
