import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSandboxCli } from '../../sandbox/cli.ts';

// `linguacodus sandbox exec` end to end: the real CLI function, the real bwrap sandbox, captured output.
let dir: string;

function capture() {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    env: { SANDBOX_DRIVER: 'bwrap' },
  };
  return { out, io };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lc-sandbox-cli-'));
  await writeFile(path.join(dir, 'data.csv'), 'x,y\n1,2\n3,4\n');
  await writeFile(
    path.join(dir, 'train.py'),
    [
      'import os, pandas as pd',
      'frame = pd.read_csv("/input/data.csv")',
      'frame.assign(z=frame.x + frame.y).to_csv("submission.csv", index=False)',
      'os.makedirs("plots", exist_ok=True)',
      'open("plots/note.txt", "w").write("ok")',
      'print("inputs", sorted(os.listdir("/input")), "cwd", os.getcwd())',
    ].join('\n'),
  );
  await writeFile(path.join(dir, 'spin.py'), 'while True:\n    pass\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('linguacodus sandbox exec', () => {
  it('--json prints one snake_case object naming the files written, and --out receives them', async () => {
    const { out, io } = capture();
    const outDir = path.join(dir, 'out');
    const status = await runSandboxCli(
      [
        'sandbox',
        'exec',
        path.join(dir, 'train.py'),
        '--input',
        path.join(dir, 'data.csv'),
        '--out',
        outDir,
        '--json',
        '--timeout',
        '60',
      ],
      io,
    );
    expect(out.stderr).toBe('');
    const report = JSON.parse(out.stdout);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'exit_code',
        'signal',
        'timed_out',
        'oom_killed',
        'stdout',
        'stderr',
        'duration_ms',
        'outputs',
      ]),
    );
    expect(report.exit_code).toBe(0);
    expect(report.timed_out).toBe(false);
    expect(report.stdout).toBe("inputs ['data.csv'] cwd /work\n");
    expect(report.outputs).toEqual(['plots/note.txt', 'submission.csv']);
    expect(status).toBe(0);
    expect(await readFile(path.join(outDir, 'submission.csv'), 'utf8')).toBe('x,y,z\n1,2,3\n3,4,7\n');
    expect(await readdir(path.join(outDir, 'plots'))).toEqual(['note.txt']);
  });

  it('passes the script output through and exits 124 when --timeout is reached', async () => {
    const { out, io } = capture();
    const status = await runSandboxCli(['sandbox', 'exec', path.join(dir, 'spin.py'), '--timeout', '1'], io);
    expect(status).toBe(124);
    expect(out.stderr).toContain('[sandbox] timed out');
  });

  it('answers a usage error with status 2 and the usage text', async () => {
    const { out, io } = capture();
    expect(await runSandboxCli(['sandbox', 'exec', '--memory', 'lots'], io)).toBe(2);
    expect(out.stderr).toContain('--memory needs a positive number');
    expect(out.stderr).toContain('usage: linguacodus sandbox exec');
  });
});
