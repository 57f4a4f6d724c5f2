// The `linguacodus` command line: the bot's roles (`serve`, `worker`), `solve` (plan, run and score a task),
// `intake` (what was understood of a task) and `sandbox exec` (run a script in the sandbox).
import { resolve } from 'node:path';
import { createLogger } from '../common/pino-logger.ts';
import { INTAKE_USAGE, runIntakeCli, runSolveCli, SOLVE_USAGE } from '../core/cli/index.ts';
import { runSandboxCli, SANDBOX_CLI_USAGE } from '../sandbox/index.ts';
import { ConfigError, configSecrets, loadDotEnv, parseConfig } from './config.ts';
import { coreDepsFrom } from './pipeline.ts';
import { parseWorkerArgs } from './process-role.ts';

const USAGE = `usage: linguacodus <command> [options]

commands:
  serve          serve the chat surfaces (web chat, Slack, Discord) and deliver their replies; no plan or run work
  worker         take plan and run jobs from the queues; no chat surface
                 [--queues plan,run]   only these queues (e.g. --queues run where the sandbox's CPUs are)
  solve          plan a task from a CSV, run the chosen instruction in the sandbox, print the harness's score
  intake         print what was understood of a task (target, id, data type, metric, split) and why
  sandbox exec   run a Python script in the sandbox

${SOLVE_USAGE}
${INTAKE_USAGE}
${SANDBOX_CLI_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'serve' || command === 'worker') {
    const parsed =
      command === 'worker'
        ? parseWorkerArgs(rest)
        : rest.length
          ? new Error(`unknown option ${rest[0]}`)
          : null;
    if (parsed instanceof Error) {
      process.stderr.write(`linguacodus ${command}: ${parsed.message}\n${USAGE}\n`);
      return 2;
    }
    const { startProcess } = await import('./start-process.ts');
    // Runs until a signal stops it (it exits the process itself).
    await startProcess(parsed ? { kind: 'worker', queues: parsed.queues } : { kind: 'serve' });
    return 0;
  }
  if (command === 'sandbox') {
    if (rest[0] !== 'exec') {
      process.stderr.write(`${SANDBOX_CLI_USAGE}\n`);
      return 2;
    }
    loadDotEnv();
    return runSandboxCli(argv);
  }
  if (command === 'solve' || command === 'intake') {
    loadDotEnv();
    let config: ReturnType<typeof parseConfig>;
    try {
      config = parseConfig();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (command === 'intake') {
      const limits = {
        maxBytes: config.MAX_UPLOAD_MB * 1024 * 1024,
        maxRows: config.MAX_ROWS,
        maxColumns: config.MAX_COLUMNS,
      };
      return runIntakeCli(rest, { limits });
    }
    // The command prints one readable line per error itself; logs only when LOG_LEVEL asks for them, on stderr
    // so that `--json` output on stdout stays one clean object.
    const logger = createLogger({
      level: process.env.LOG_LEVEL ? config.LOG_LEVEL : 'silent',
      production: true,
      destination: process.stderr,
      secrets: configSecrets(config),
    });
    return runSolveCli(rest, { ...coreDepsFrom(config, logger), workRoot: resolve('out') });
  }
  const help = command === undefined || command === 'help' || command === '--help' || command === '-h';
  (help ? process.stdout : process.stderr).write(`${USAGE}\n`);
  return help ? 0 : 2;
}
