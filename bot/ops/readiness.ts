// /readyz's checks: Redis answers, the sandbox driver can run a script (for a process that takes plan or run jobs),
// the workers run. Each check is named in the answer, with what is wrong.
import type { SandboxCheck } from '../../sandbox/index.ts';

export interface CheckResult {
  ok: boolean;
  /** What was found, or what is wrong. */
  detail: string;
}

export interface Readiness {
  ready: boolean;
  checks: { redis: CheckResult; sandbox: CheckResult; workers: CheckResult };
}

export interface ReadinessSources {
  /** A command to Redis on a connection that fails fast while Redis is away. */
  pingRedis(): Promise<unknown>;
  /** The process's workers by queue name, and whether each runs; empty before start. */
  workers(): { name: string; running: boolean }[];
  /** The sandbox's own check; null for a process that takes no plan or run job (it needs no sandbox). */
  checkSandbox: (() => Promise<SandboxCheck>) | null;
}

const REDIS_TIMEOUT_MS = 1000;
/** A sandbox check runs Python: its answer is kept this long (a failed one is retried sooner). */
const SANDBOX_OK_MS = 5 * 60_000;
const SANDBOX_FAILED_MS = 15_000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createReadiness(sources: ReadinessSources): () => Promise<Readiness> {
  let sandboxAnswer: { result: CheckResult; until: number } | null = null;
  let sandboxRunning: Promise<CheckResult> | null = null;

  const redis = async (): Promise<CheckResult> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)),
        REDIS_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([sources.pingRedis(), timeout]);
      return { ok: true, detail: 'answers' };
    } catch (error) {
      return { ok: false, detail: `does not answer: ${message(error)}` };
    } finally {
      clearTimeout(timer);
    }
  };

  const sandbox = async (): Promise<CheckResult> => {
    const check = sources.checkSandbox;
    if (!check) return { ok: true, detail: 'not used by this process (it takes no plan or run job)' };
    if (sandboxAnswer && Date.now() < sandboxAnswer.until) return sandboxAnswer.result;
    sandboxRunning ??= check()
      .then(
        (found): CheckResult => ({
          ok: true,
          detail: `${found.driver}, Python ${found.pythonVersion}${found.warnings.length ? `; ${found.warnings.join('; ')}` : ''}`,
        }),
        (error: unknown): CheckResult => ({ ok: false, detail: message(error) }),
      )
      .then((result) => {
        sandboxAnswer = { result, until: Date.now() + (result.ok ? SANDBOX_OK_MS : SANDBOX_FAILED_MS) };
        sandboxRunning = null;
        return result;
      });
    return sandboxRunning;
  };

  const workers = (): CheckResult => {
    const all = sources.workers();
    if (all.length === 0) return { ok: false, detail: 'no worker started yet' };
    const stopped = all.filter((w) => !w.running).map((w) => w.name);
    if (stopped.length > 0) return { ok: false, detail: `stopped: ${stopped.join(', ')}` };
    return { ok: true, detail: `running: ${all.map((w) => w.name).join(', ')}` };
  };

  return async () => {
    const [r, s] = await Promise.all([redis(), sandbox()]);
    const checks = { redis: r, sandbox: s, workers: workers() };
    return { ready: r.ok && s.ok && checks.workers.ok, checks };
  };
}
