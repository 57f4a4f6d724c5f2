// How a run is named in the thread: by its number and what it is of ('#3 · option 2, improved from #1',
// '#5 · blend of #1, #3', '#2 · vanilla control'), and the phrases replies build from it. Pure.
import type { Choice, RunKind } from '../../core/types.ts';

/** What naming a run needs of its record (RunState has all of it). */
export interface RunNaming {
  n: number;
  kind: RunKind;
  choice: Choice | null;
  parent: number | null;
  members: readonly number[];
}

/** An option of the plan, the resolver's choice or the vanilla control, in words. */
export function choiceName(choice: Choice): string {
  if (choice === 'resolver') return "the resolver's choice";
  if (choice === 'vanilla') return 'the vanilla control';
  return `option ${choice}`;
}

const numbers = (ns: readonly number[]) => ns.map((n) => `#${n}`).join(', ');

/** What the run is of, as "the run of …" reads: 'option 1', 'an improvement of #1', 'a blend of #1, #2'. */
export function runSubject(run: RunNaming): string {
  if (run.kind === 'blend') return `a blend of ${numbers(run.members)}`;
  if (run.kind === 'auto') return 'an Auto search';
  if (run.kind === 'improve') return `an improvement of #${run.parent ?? '?'}`;
  return choiceName(run.choice ?? '1');
}

/** "the run of option 1", "the run of an improvement of #1": what replies about a run's ending say. */
export function runWhat(run: RunNaming): string {
  return `the run of ${runSubject(run)}`;
}

/** The option part of a run's title, without its number: 'option 2, improved from #1', 'blend of #1, #3'. */
export function runOrigin(run: RunNaming): string {
  if (run.kind === 'blend') return `blend of ${numbers(run.members)}`;
  if (run.kind === 'auto') return 'Auto search';
  const base =
    run.choice === 'vanilla'
      ? 'vanilla control'
      : run.choice === 'resolver'
        ? "resolver's choice"
        : run.choice
          ? `option ${run.choice}`
          : 'run';
  return run.kind === 'improve' ? `${base}, improved from #${run.parent ?? '?'}` : base;
}

/** '#3 · option 2, improved from #1'; a run from before numbering has no number. */
export function runTitle(run: RunNaming): string {
  return run.n > 0 ? `#${run.n} · ${runOrigin(run)}` : runOrigin(run);
}
