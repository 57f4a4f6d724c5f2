import { describe, expect, it } from 'vitest';
import { exitStatusFor, parseSandboxExecArgs } from '../../sandbox/cli.ts';
import type { Execution } from '../../sandbox/types.ts';

const base: Execution = {
  exitCode: 0,
  signal: null,
  timedOut: false,
  oomKilled: false,
  cancelled: false,
  stdout: '',
  stderr: '',
  stdoutDroppedBytes: 0,
  stderrDroppedBytes: 0,
  durationMs: 1,
  files: [],
};

describe('sandbox exec arguments', () => {
  it('reads repeated inputs, limits, out folder, json and script arguments', () => {
    const args = parseSandboxExecArgs([
      'sandbox',
      'exec',
      'train.py',
      '--input',
      'a.csv',
      '--input=b.csv',
      '--timeout',
      '2.5',
      '--memory',
      '512',
      '--out',
      'out',
      '--json',
      '--',
      '--epochs',
      '3',
    ]);
    expect(args).toEqual({
      script: 'train.py',
      inputs: ['a.csv', 'b.csv'],
      timeoutSeconds: 2.5,
      memoryMb: 512,
      outDir: 'out',
      json: true,
      scriptArgs: ['--epochs', '3'],
    });
    expect(parseSandboxExecArgs(['exec', 'x.py']).script).toBe('x.py');
  });

  it('rejects what it cannot run, saying why', () => {
    expect(() => parseSandboxExecArgs(['sandbox', 'run', 'x.py'])).toThrow(/sandbox exec/);
    expect(() => parseSandboxExecArgs(['exec', 'x.py', '--timeout', '0'])).toThrow(
      /--timeout needs a positive/,
    );
    expect(() => parseSandboxExecArgs(['exec', 'x.py', '--memory'])).toThrow(/--memory needs a value/);
    expect(() => parseSandboxExecArgs(['exec', 'x.py', '--network'])).toThrow(/unknown option --network/);
    expect(() => parseSandboxExecArgs(['exec', 'a.py', 'b.py'])).toThrow(/one script at a time/);
    expect(() => parseSandboxExecArgs(['exec'])).toThrow(/which script/);
  });

  it('maps an execution to the exit status a shell expects', () => {
    expect(exitStatusFor(base)).toBe(0);
    expect(exitStatusFor({ ...base, exitCode: 3 })).toBe(3);
    expect(exitStatusFor({ ...base, exitCode: null, signal: 'SIGKILL', timedOut: true })).toBe(124);
    expect(exitStatusFor({ ...base, exitCode: null, signal: 'SIGKILL', oomKilled: true })).toBe(137);
    expect(exitStatusFor({ ...base, exitCode: null, signal: 'SIGSEGV' })).toBe(139);
  });
});
