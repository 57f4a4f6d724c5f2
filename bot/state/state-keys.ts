// Every Redis key the bot writes, in one place, under the configured prefix.
export interface StateKeys {
  session(sid: string): string;
  sessionLock(sid: string): string;
  votes(sid: string): string;
  runs(sid: string): string;
  runLock(sid: string, key: string): string;
  /** The thread's last run number (#n). */
  runCounter(sid: string): string;
  /** Set once the thread's leaderboard for a plan was posted (later changes edit it). */
  boardPosted(sid: string, planSeq: number): string;
  cancel(jobId: string): string;
  delivered(key: string): string;
  editVersion(target: string): string;
  editApplied(target: string): string;
  cancelChannel: string;
  sessionsIndex: string;
  /** Plans and runs under way (a sorted set scored by when each was last written), for the watchdog. */
  openWork: string;
  /** A value written once per Redis data set: when it changes or vanishes, Redis lost its data. */
  epoch: string;
}

export function stateKeys(prefix: string): StateKeys {
  const p = `${prefix}:lc`;
  return {
    session: (sid) => `${p}:session:${sid}`,
    sessionLock: (sid) => `${p}:session-lock:${sid}`,
    votes: (sid) => `${p}:votes:${sid}`,
    runs: (sid) => `${p}:runs:${sid}`,
    runLock: (sid, key) => `${p}:run-lock:${sid}:${key}`,
    runCounter: (sid) => `${p}:run-counter:${sid}`,
    boardPosted: (sid, planSeq) => `${p}:board-posted:${sid}:${planSeq}`,
    cancel: (jobId) => `${p}:cancel:${jobId}`,
    delivered: (key) => `${p}:delivered:${key}`,
    editVersion: (target) => `${p}:edit-version:${target}`,
    editApplied: (target) => `${p}:edit-applied:${target}`,
    cancelChannel: `${p}:cancel`,
    sessionsIndex: `${p}:sessions`,
    openWork: `${p}:open-work`,
    epoch: `${p}:epoch`,
  };
}
