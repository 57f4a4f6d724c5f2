import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSandboxCli } from '../../sandbox/cli.ts';

// `linguacodus sandbox exec` end to end: the real CLI function, the real bwrap sandbox, captured output.
let dir: string;

function capture(env: Record<string, string> = { SANDBOX_DRIVER: 'bwrap' }) {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    env,
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

  it('honours SANDBOX_DRIVER=docker, SANDBOX_TIMEOUT_S and SANDBOX_MEMORY_MB from the environment', async () => {
    const slow = capture({ SANDBOX_DRIVER: 'docker', SANDBOX_TIMEOUT_S: '2' });
    const started = Date.now();
    expect(await runSandboxCli(['sandbox', 'exec', path.join(dir, 'spin.py'), '--json'], slow.io)).toBe(124);
    expect(JSON.parse(slow.out.stdout)).toMatchObject({ timed_out: true });
    expect(Date.now() - started).toBeLessThan(20_000);

    await writeFile(path.join(dir, 'hog.py'), 'hog = []\nwhile True:\n    hog.append(bytearray(16 << 20))\n');
    const small = capture({ SANDBOX_DRIVER: 'docker', SANDBOX_MEMORY_MB: '128' });
    await runSandboxCli(['sandbox', 'exec', path.join(dir, 'hog.py'), '--json'], small.io);
    expect(JSON.parse(small.out.stdout)).toMatchObject({ oom_killed: true, timed_out: false });

    // A flag still wins over the environment.
    const flagged = capture({ SANDBOX_DRIVER: 'docker', SANDBOX_TIMEOUT_S: '600' });
    expect(
      await runSandboxCli(['sandbox', 'exec', path.join(dir, 'spin.py'), '--timeout', '1'], flagged.io),
    ).toBe(124);
  });

  it('refuses a bad SANDBOX_* value by name', async () => {
    const { out, io } = capture({ SANDBOX_TIMEOUT_S: 'soon' });
    expect(await runSandboxCli(['sandbox', 'exec', path.join(dir, 'spin.py')], io)).toBe(2);
    expect(out.stderr).toContain('SANDBOX_TIMEOUT_S');
  });

  it('answers a usage error with status 2 and the usage text', async () => {
    const { out, io } = capture();
    expect(await runSandboxCli(['sandbox', 'exec', '--memory', 'lots'], io)).toBe(2);
    expect(out.stderr).toContain('--memory needs a positive number');
    expect(out.stderr).toContain('usage: linguacodus sandbox exec');
  });
});
