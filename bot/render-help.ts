// The `help` reply: the commands, how to name a target and a metric, and what the bot can do.
import type { OutgoingMessage } from './messages.ts';
import { text } from './render-replies.ts';

const HELP_TEXT = [
  '**How to use Linguacodus**',
  '- Post a task in plain English with a CSV attached (e.g. "Predict price; metric rmse"). I reply in the thread with three ranked instructions and the resolver’s choice.',
  '- Vote with the buttons (one vote each, you can change it), press **Run** on an option to get code, a score and a chart.',
  '- In the thread: `help` (this), `status` (votes and runs), `cancel` (stop the running job), `rerun` (run the last choice again).',
  '- Correct the task in the thread at any time, before or after the plan: `target: <column>`, `metric: mae`, `id: <column>`, a column’s name alone, or new words. Only what you name changes; the file and the rest are kept, and the task is planned again.',
  '- Post a new CSV in the thread to plan the same task on it.',
].join('\n');

export const help = (): OutgoingMessage => text(HELP_TEXT);
