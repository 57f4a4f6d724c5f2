// Clears what a crashed bot left behind (run folders, empty cgroups), old enough that no live run owns it.
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CgroupPlan } from './cgroup-limits.ts';

/** A run is killed at its deadline; this long after it, its owner has surely collected and removed the folder. */
const FOLDER_GRACE_MS = 10 * 60 * 1000;
/** Folders without a deadline in their name: a day is far past any timeout the config allows in practice. */
const FOLDER_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** How often a driver looks for leftovers: cheap, but not worth doing on every run. */
const SWEEP_EVERY_MS = 5 * 60 * 1000;

/** Returns a trigger that starts `sweep` in the background at most every few minutes; it never delays or fails a run. */
export function backgroundSweeper(sweep: () => Promise<unknown>): () => void {
  let last = 0;
  return () => {
    if (Date.now() - last < SWEEP_EVERY_MS) return;
    last = Date.now();
    void sweep().catch(() => undefined);
  };
}

/** A run's cgroup is joined within milliseconds of being made, so an empty one this old is an orphan. */
const CGROUP_MAX_AGE_MS = 10 * 60 * 1000;

async function olderThan(target: string, ageMs: number, now: number): Promise<boolean> {
  try {
    return now - (await stat(target)).mtimeMs > ageMs;
  } catch {
    return false;
  }
}

/** Removes stale leftovers; returns how many it removed. Never throws: cleanup must not block a run. */
export async function sweepStaleRuns(
  workRoot: string,
  plan: CgroupPlan | null,
  now = Date.now(),
): Promise<number> {
  let removed = 0;
  const folders = await readdir(workRoot).catch(() => [] as string[]);
  for (const name of folders) {
    const folder = path.join(workRoot, name);
    if (!name.startsWith('run-')) continue;
    const deadline = /^run-(\d+)-/.exec(name);
    const stale = deadline
      ? now > Number(deadline[1]) * 1000 + FOLDER_GRACE_MS
      : await olderThan(folder, FOLDER_MAX_AGE_MS, now);
    if (!stale) continue;
    await rm(folder, { recursive: true, force: true }).then(
      () => removed++,
      () => undefined,
    );
  }
  const parents = new Set([plan?.memoryParent, plan?.pidsParent].filter((p): p is string => Boolean(p)));
  for (const parent of parents) {
    for (const name of await readdir(parent).catch(() => [] as string[])) {
      const group = path.join(parent, name);
      if (!name.startsWith('linguacodus-') || !(await olderThan(group, CGROUP_MAX_AGE_MS, now))) continue;
      // rmdir of a cgroup fails while it has members, so a live run is never touched.
      await rmdir(group).then(
        () => removed++,
        () => undefined,
      );
    }
  }
  return removed;
}
