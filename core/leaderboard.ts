// A thread's runs as a leaderboard: scored runs best first by the metric's direction, then the rest by run number.
// Pure; the bot's leaderboard message, `status` and the CLI's `solve --choice all` share it.

/** What ranking needs of a run: its number in the thread and its holdout score (null while unscored). */
export interface Rankable {
  n: number;
  score: number | null;
}

/** Scored runs best first (ties: the earlier run first), then runs without a score in the order they started. */
export function rankRuns<T extends Rankable>(runs: readonly T[], higherIsBetter: boolean): T[] {
  const scored = runs.filter((r) => r.score !== null && Number.isFinite(r.score));
  const unscored = runs.filter((r) => !scored.includes(r));
  scored.sort((a, b) => {
    const d = higherIsBetter ? b.score! - a.score! : a.score! - b.score!;
    return d !== 0 ? d : a.n - b.n;
  });
  return [...scored, ...unscored.sort((a, b) => a.n - b.n)];
}

/** The run at the top of the board, or null when none has a score yet. */
export function bestRun<T extends Rankable>(runs: readonly T[], higherIsBetter: boolean): T | null {
  const [top] = rankRuns(runs, higherIsBetter);
  return top && top.score !== null ? top : null;
}
