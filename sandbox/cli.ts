// `linguacodus sandbox exec SCRIPT.py ...`: runs one script in the sandbox from a shell and reports what happened.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { createSandbox } from './create-sandbox.ts';
import { sandboxEnvSchema, sandboxOptionsFromEnv } from './sandbox-env.ts';
import type { Execution, SandboxLimits } from './types.ts';
import { InvalidSandboxJobError, SandboxUnavailableError } from './types.ts';

export const SANDBOX_CLI_USAGE = `usage: linguacodus sandbox exec SCRIPT.py [--input PATH]... [--timeout SECONDS] [--memory MB]
                                  [--out DIR] [--json] [--driver bwrap|docker] [-- SCRIPT_ARGS...]

Runs SCRIPT.py with no network and no access to this machine's files. Each --input appears read-only
at /input/<basename>; the script runs in /work, and files it writes there are copied to --out DIR.
--json prints one object: exit_code, signal, timed_out, oom_killed, stdout, stderr, duration_ms, outputs.
Exit status: the script's own, 124 on timeout, 128+N when killed by signal N, 2 on a usage error,
3 when the sandbox cannot run on this machine.`;

export interface SandboxExecArgs {
  script: string;
  inputs: string[];
  timeoutSeconds?: number;
  memoryMb?: number;
  outDir?: string;
  json: boolean;
  driver?: 'bwrap' | 'docker';
  scriptArgs: string[];
}

class UsageError extends Error {}

const positive = (flag: string, value: string | undefined): number => {
  const parsed = z.coerce.number().positive().safeParse(value);
  if (value === undefined || !parsed.success) throw new UsageError(`${flag} needs a positive number`);
  return parsed.data;
};

/** Parses the words after `sandbox` (or after `sandbox exec`); throws UsageError with a readable message. */
export function parseSandboxExecArgs(argv: string[]): SandboxExecArgs {
  const words = [...argv];
  if (words[0] === 'sandbox') words.shift();
  if (words[0] !== 'exec') throw new UsageError('expected "sandbox exec SCRIPT.py"');
  words.shift();
  const result: SandboxExecArgs = { script: '', inputs: [], json: false, scriptArgs: [] };
  while (words.length > 0) {
    const word = words.shift()!;
    const [flag, inline] =
      word.startsWith('--') && word.includes('=') ? word.split(/=(.*)/s) : [word, undefined];
    const value = () => {
      const next = inline ?? words.shift();
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--input':
        result.inputs.push(value());
        break;
      case '--timeout':
        result.timeoutSeconds = positive('--timeout', value());
        break;
      case '--memory':
        result.memoryMb = Math.floor(positive('--memory', value()));
        break;
      case '--out':
        result.outDir = value();
        break;
      case '--json':
        result.json = true;
        break;
      case '--driver': {
        const driver = value();
        if (driver !== 'bwrap' && driver !== 'docker') throw new UsageError('--driver is bwrap or docker');
        result.driver = driver;
        break;
      }
      case '--':
        result.scriptArgs.push(...words.splice(0));
        break;
      default:
        if (word.startsWith('-')) throw new UsageError(`unknown option ${word}`);
        if (result.script) throw new UsageError(`one script at a time (got ${result.script} and ${word})`);
        result.script = word;
    }
  }
  if (!result.script) throw new UsageError('which script? (sandbox exec SCRIPT.py)');
  return result;
}

/** The process exit status a shell user expects for an execution. */
export function exitStatusFor(execution: Execution): number {
  if (execution.timedOut) return 124;
  if (execution.exitCode !== null) return execution.exitCode;
  const signals = constants.signals as Record<string, number>;
  return 128 + ((execution.signal && signals[execution.signal]) || constants.signals.SIGKILL);
}

export interface SandboxCliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
}

export async function runSandboxCli(
  argv: string[],
  io: SandboxCliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  let args: SandboxExecArgs;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout.write(`${SANDBOX_CLI_USAGE}\n`);
      return 0;
    }
    args = parseSandboxExecArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`linguacodus sandbox: ${error.message}\n\n${SANDBOX_CLI_USAGE}\n`);
    return 2;
  }
  // The same variables and defaults as the bot's config, so a script runs here as generated code runs there.
  const env = sandboxEnvSchema.safeParse(io.env);
  if (!env.success) {
    io.stderr.write(`linguacodus sandbox: bad SANDBOX_* environment: ${z.prettifyError(env.error)}\n`);
    return 2;
  }

  const options = sandboxOptionsFromEnv(env.data);
  const limits: SandboxLimits = { ...options.limits };
  if (args.timeoutSeconds !== undefined) limits.timeoutMs = Math.ceil(args.timeoutSeconds * 1000);
  if (args.memoryMb !== undefined) limits.memoryMb = args.memoryMb;
  const scriptName = path.basename(args.script);
  try {
    const script = await readFile(args.script).catch((cause) => {
      throw new InvalidSandboxJobError(`cannot read ${args.script}: ${cause.message}`);
    });
    const inputs = args.inputs.map((input) => ({
      hostPath: path.resolve(input),
      name: path.basename(input),
    }));
    const sandbox = createSandbox({ ...options, driver: args.driver ?? options.driver, limits });
    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.once('SIGINT', onInterrupt);
    let execution: Execution;
    try {
      execution = await sandbox.execute({
        files: [{ path: scriptName, content: script }],
        entry: scriptName,
        args: args.scriptArgs,
        inputs,
        collect: ['*'],
        signal: controller.signal,
      });
    } finally {
      process.off('SIGINT', onInterrupt);
    }
    if (args.outDir) {
      for (const file of execution.files) {
        const target = path.join(args.outDir, file.name);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, file.bytes);
      }
    }
    const outputs = execution.files.map((file) => file.name);
    if (args.json) {
      io.stdout.write(
        `${JSON.stringify({
          exit_code: execution.exitCode,
          signal: execution.signal,
          timed_out: execution.timedOut,
          oom_killed: execution.oomKilled,
          stdout: execution.stdout,
          stderr: execution.stderr,
          duration_ms: execution.durationMs,
          outputs,
          stdout_dropped_bytes: execution.stdoutDroppedBytes,
          stderr_dropped_bytes: execution.stderrDroppedBytes,
        })}\n`,
      );
    } else {
      io.stdout.write(execution.stdout);
      io.stderr.write(execution.stderr);
      const status = execution.timedOut
        ? 'timed out'
        : execution.oomKilled
          ? 'killed: out of memory'
          : execution.exitCode !== null
            ? `exit ${execution.exitCode}`
            : `killed by ${execution.signal}`;
      const dropped = execution.stdoutDroppedBytes + execution.stderrDroppedBytes;
      const written = outputs.length > 0 ? `; wrote ${outputs.join(', ')}` : '; wrote no files';
      const copied = args.outDir && outputs.length > 0 ? ` (copied to ${args.outDir})` : '';
      const droppedNote = dropped > 0 ? `; ${dropped} bytes of output dropped (tail kept)` : '';
      io.stderr.write(`[sandbox] ${status} in ${execution.durationMs} ms${written}${copied}${droppedNote}\n`);
    }
    return exitStatusFor(execution);
  } catch (error) {
    if (error instanceof SandboxUnavailableError) {
      io.stderr.write(`linguacodus sandbox: ${error.message}\n${error.fix ? `fix: ${error.fix}\n` : ''}`);
      return 3;
    }
    if (error instanceof InvalidSandboxJobError) {
      io.stderr.write(`linguacodus sandbox: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
