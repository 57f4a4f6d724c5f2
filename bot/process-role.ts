// What one bot process does: `npm start` does everything; `linguacodus serve` holds the chat surfaces and their
// deliveries; `linguacodus worker` takes plan and run jobs and holds no surface.
import type { QueueName } from './jobs/workers.ts';

export type JobQueue = Exclude<QueueName, 'deliver'>;

export type ProcessRole =
  /** `npm start`: the configured surfaces, their deliveries, and plan and run jobs. */
  | { kind: 'all' }
  /** `linguacodus serve`: the configured surfaces, their acknowledgements and deliveries; no plan or run work. */
  | { kind: 'serve' }
  /** `linguacodus worker [--queues plan,run]`: plan and/or run jobs; no surface, so no deliveries either. */
  | { kind: 'worker'; queues: JobQueue[] };

export const JOB_QUEUES: readonly JobQueue[] = ['plan', 'run'];

/** The queues a process of this role works on ('deliver': those of the surfaces it holds). */
export function workersOf(role: ProcessRole): QueueName[] {
  if (role.kind === 'serve') return ['deliver'];
  if (role.kind === 'worker') return [...role.queues];
  return ['plan', 'run', 'deliver'];
}

/** Whether a process of this role starts the configured chat surfaces. */
export const holdsSurfaces = (role: ProcessRole): boolean => role.kind !== 'worker';

/** `--queues plan,run` (or `--queues=run`) from a worker's arguments; an Error names what is wrong. */
export function parseWorkerArgs(args: string[]): { queues: JobQueue[] } | Error {
  let queues: JobQueue[] = [...JOB_QUEUES];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    let value: string | undefined;
    if (arg === '--queues') value = args[++i];
    else if (arg.startsWith('--queues=')) value = arg.slice('--queues='.length);
    else return new Error(`unknown option ${arg}`);
    const names = (value ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const wrong = names.filter((n) => !JOB_QUEUES.includes(n as JobQueue));
    if (names.length === 0 || wrong.length > 0) {
      return new Error(
        `--queues takes plan, run or plan,run (not ${value === undefined ? 'nothing' : `"${value}"`})`,
      );
    }
    queues = [...new Set(names as JobQueue[])];
  }
  return { queues };
}

/** The readiness line's words: what this process does and what it leaves to others. */
export function describeRole(role: ProcessRole, surfaces: string[]): string {
  const jobs = workersOf(role).filter((q): q is JobQueue => q !== 'deliver');
  const serving =
    surfaces.length > 0 ? `serves ${surfaces.join(', ')} and delivers their replies` : 'serves no chat';
  const working = jobs.length > 0 ? `takes ${jobs.join(' and ')} jobs` : 'takes no plan or run jobs';
  const leaves = JOB_QUEUES.filter((q) => !jobs.includes(q));
  const left = leaves.length > 0 ? `; ${leaves.join(' and ')} jobs are left to worker processes` : '';
  const deliveries =
    role.kind === 'worker' ? '; replies are delivered by the processes serving the chat' : '';
  return `${serving}; ${working}${left}${deliveries}`;
}
