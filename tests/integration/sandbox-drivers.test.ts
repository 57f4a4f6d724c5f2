import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../sandbox/bwrap-driver.ts';
import { CONTAINER_LABEL, sweepStaleContainers } from '../../sandbox/docker-driver.ts';
import { createSandbox, type Execution, type Sandbox, type SandboxJob } from '../../sandbox/index.ts';
import { TITANIC } from '../helpers/datasets.ts';
import { waitFor } from '../helpers/wait-for.ts';

// One escape-and-limits suite, run against both drivers on this machine: real bwrap with /usr/bin/python3, and a
// real Docker engine with the image the set-up step builds (`npm test` runs it first). No mocks, nothing skipped.
const SMALL_LIMITS = {
  timeoutMs: 3_000,
  memoryMb: 256,
  maxProcesses: 32,
  cpuSeconds: 30,
  maxFileMb: 64,
  maxWorkDirMb: 96,
  maxOutputBytes: 64 * 1024,
};
const DRIVERS = ['bwrap', 'docker'] as const;
/** Starting a container costs about a second more than bwrap; wall-clock checks allow for it. */
const START_SLACK_MS = { bwrap: 2_000, docker: 4_000 };

/** Runs `code` as main.py on the given sandbox. */
function run(on: Sandbox, code: string, extra: Partial<SandboxJob> = {}): Promise<Execution> {
  return on.execute({ files: [{ path: 'main.py', content: code }], entry: 'main.py', ...extra });
}

function marker(): string {
  return `lcmark${randomBytes(6).toString('hex')}`;
}

/** Sandbox containers (running or stopped) whose command mentions the marker. */
function containersWith(mark: string): string[] {
  const listed = execFileSync(
    'docker',
    [
      'ps',
      '--all',
      '--no-trunc',
      '--filter',
      `label=${CONTAINER_LABEL}`,
      '--format',
      '{{.Names}} {{.Command}}',
    ],
    { encoding: 'utf8' },
  );
  return listed.split('\n').filter((line) => line.includes(mark));
}

/** What a run leaves behind: host processes mentioning the marker and, for docker, its container. */
async function leftoversOf(driver: (typeof DRIVERS)[number], mark: string): Promise<(number | string)[]> {
  return [...(await hostProcessesWith(mark)), ...(driver === 'docker' ? containersWith(mark) : [])];
}

/** Host processes whose command line mentions the marker: what a leak would leave behind. */
async function hostProcessesWith(mark: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(mark)) found.push(Number(entry));
  }
  return found;
}

describe.each(DRIVERS)('%s sandbox', (driver) => {
  // Small limits so each hostile script is stopped in seconds.
  const sandbox = createSandbox({ driver, limits: SMALL_LIMITS });

  describe('useful work', () => {
    it('runs a scikit-learn script on a read-only input CSV and returns the submission.csv it wrote', async () => {
      const code = `
import pandas as pd
from sklearn.linear_model import LogisticRegression
frame = pd.read_csv('/input/train.csv')
features = frame[['Pclass', 'SibSp', 'Parch', 'Fare']].fillna(0)
model = LogisticRegression(max_iter=500).fit(features, frame['Survived'])
pd.DataFrame({'PassengerId': frame['PassengerId'], 'Survived': model.predict(features)}).to_csv('submission.csv', index=False)
print('rows', len(frame))
`;
      const execution = await run(sandbox, code, {
        inputs: [{ hostPath: TITANIC, name: 'train.csv' }],
        collect: ['submission.csv'],
        limits: { timeoutMs: 60_000, memoryMb: 1024 },
      });
      expect(execution.stderr).toBe('');
      expect(execution.exitCode).toBe(0);
      const rows = (await readFile(TITANIC, 'utf8')).trim().split('\n').length - 1;
      expect(execution.stdout.trim()).toBe(`rows ${rows}`);
      expect(execution.files.map((file) => file.name)).toEqual(['submission.csv']);
      const submission = execution.files[0]!.bytes.toString().trim().split('\n');
      expect(submission[0]).toBe('PassengerId,Survived');
      expect(submission).toHaveLength(rows + 1);
    });

    it('writes matplotlib charts headless and collects them by glob', async () => {
      const code = `
import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [3, 1, 2])
plt.savefig('chart.png')
open('notes.txt', 'w').write('not a png')
`;
      const execution = await run(sandbox, code, {
        collect: ['*.png'],
        limits: { timeoutMs: 60_000, memoryMb: 1024 },
      });
      expect(execution.exitCode).toBe(0);
      expect(execution.files.map((file) => file.name)).toEqual(['chart.png']);
      expect(execution.files[0]!.bytes.subarray(1, 4).toString()).toBe('PNG');
    });
    it('keeps concurrent runs apart: each sees only its own work folder and gets only its own files', async () => {
      const runs = await Promise.all(
        ['a', 'b', 'c'].map((name) =>
          run(
            sandbox,
            `import os\nopen('${name}.txt', 'w').write('${name}')\nprint(sorted(os.listdir('.')))\n`,
            {
              collect: ['*.txt'],
            },
          ),
        ),
      );
      expect(runs.map((execution) => execution.stdout)).toEqual([
        "['a.txt', 'main.py']\n",
        "['b.txt', 'main.py']\n",
        "['c.txt', 'main.py']\n",
      ]);
      expect(runs.map((execution) => execution.files.map((file) => file.bytes.toString()))).toEqual([
        ['a'],
        ['b'],
        ['c'],
      ]);
    });
  });

  describe('output streamed to onOutput as the script prints it', () => {
    it('hands over each line while the script still runs (python unbuffered), stderr marked, the tails unchanged', async () => {
      // Plain print() with no flush: only an unbuffered python gets the first line out before the sleep.
      const code = `
import sys, time
print('fold 1 of 2')
print('warning: slow', file=sys.stderr)
time.sleep(1)
print('fold 2 of 2')
sys.stdout.write('no newline at the end')
`;
      const seen: { line: string; stream: string; at: number }[] = [];
      const execution = await run(sandbox, code, {
        limits: { timeoutMs: 30_000 },
        onOutput: (line, stream) => seen.push({ line, stream, at: performance.now() }),
      });
      const endedAt = performance.now();
      expect(execution.exitCode).toBe(0);
      expect(seen.map(({ line, stream }) => [stream, line])).toEqual(
        expect.arrayContaining([
          ['stdout', 'fold 1 of 2'],
          ['stderr', 'warning: slow'],
          ['stdout', 'fold 2 of 2'],
          ['stdout', 'no newline at the end'],
        ]),
      );
      expect(seen).toHaveLength(4);
      const stdoutLines = seen.filter((entry) => entry.stream === 'stdout').map((entry) => entry.line);
      expect(stdoutLines).toEqual(['fold 1 of 2', 'fold 2 of 2', 'no newline at the end']);
      const first = seen.find((entry) => entry.line === 'fold 1 of 2')!;
      const second = seen.find((entry) => entry.line === 'fold 2 of 2')!;
      // The first line came a second before the second one and before the run ended, not all at once at exit.
      expect(second.at - first.at).toBeGreaterThan(800);
      expect(endedAt - first.at).toBeGreaterThan(800);
      expect(execution.stdout).toBe('fold 1 of 2\nfold 2 of 2\nno newline at the end');
      expect(execution.stderr).toBe('warning: slow\n');
    });

    it('runs to the end when the listener throws, and cuts a very long line to 500 characters', async () => {
      const code = "print('a' * 100_000)\nfor i in range(3):\n    print('line', i)\n";
      const seen: string[] = [];
      const execution = await run(sandbox, code, {
        limits: { timeoutMs: 30_000 },
        onOutput: (line) => {
          seen.push(line);
          throw new Error('listener bug');
        },
      });
      expect(execution.exitCode).toBe(0);
      expect(seen).toEqual([`${'a'.repeat(500)}…`, 'line 0', 'line 1', 'line 2']);
      expect(execution.stdout.endsWith('line 0\nline 1\nline 2\n')).toBe(true);
    });
  });

  describe('hostile scripts are contained and reported', () => {
    it('kills an infinite loop at the wall clock, and leaves no process behind', async () => {
      const mark = marker();
      const execution = await run(sandbox, 'while True:\n    pass\n', { args: [mark] });
      expect(execution.timedOut).toBe(true);
      expect(execution.signal).toBe('SIGKILL');
      expect(execution.durationMs).toBeLessThan(3_000 + START_SLACK_MS[driver]);
      expect(execution.stderr).toContain('wall-clock limit');
      expect(await leftoversOf(driver, mark)).toEqual([]);
    });

    it('stops a memory bomb (oom_killed or MemoryError) and the host runs the next job', async () => {
      const execution = await run(
        sandbox,
        'hog = []\nwhile True:\n    hog.append(bytearray(16 * 1024 * 1024))\n',
      );
      expect(execution.oomKilled || execution.stderr.includes('MemoryError')).toBe(true);
      expect(execution.exitCode).not.toBe(0);
      const next = await run(sandbox, 'print("still here")');
      expect(next.stdout).toBe('still here\n');
    });

    it('bounds a fork bomb: forks are refused past the process limit and every process dies', async () => {
      const mark = marker();
      const code = `
import os, time
refused = False
while True:
    try:
        os.fork()
    except OSError:
        if not refused:
            print('fork refused', flush=True)
            refused = True
        time.sleep(0.05)
`;
      const execution = await run(sandbox, code, { args: [mark] });
      expect(execution.stdout).toContain('fork refused');
      expect(execution.timedOut).toBe(true);
      expect(await leftoversOf(driver, mark)).toEqual([]);
    });

    it('stops a script at its CPU-time limit', async () => {
      const execution = await run(sandbox, 'while True:\n    pass\n', {
        limits: { cpuSeconds: 1, timeoutMs: 30_000 },
      });
      expect(execution.timedOut).toBe(false);
      expect(['SIGXCPU', 'SIGKILL']).toContain(execution.signal);
    });

    it('caps 1 GB of stdout to its tail, counts what it dropped, and the run still ends', async () => {
      const code = `
import sys
chunk = 'x' * (1 << 20)
for _ in range(1024):
    sys.stdout.write(chunk)
sys.stdout.write('END')
`;
      const execution = await run(sandbox, code, { limits: { timeoutMs: 60_000 } });
      expect(execution.exitCode).toBe(0);
      expect(execution.stdout.length).toBe(64 * 1024);
      expect(execution.stdout.endsWith('xEND')).toBe(true);
      expect(execution.stdoutDroppedBytes).toBe(1024 * (1 << 20) + 3 - 64 * 1024);
    });

    it('stops a 5 GB file at the file-size limit', async () => {
      const code = `
block = b'\\0' * (1 << 20)
with open('huge.bin', 'wb') as out:
    for _ in range(5 * 1024):
        out.write(block)
`;
      const execution = await run(sandbox, code, { collect: ['*.csv'] });
      expect(execution.exitCode).toBe(1);
      expect(execution.stderr).toContain('File too large');
    });

    it('kills a run whose work folder outgrows its cap, even when each file is under the file limit', async () => {
      const code = `
import time
index = 0
while True:
    with open(f'part{index}.bin', 'wb') as out:
        out.write(b'\\1' * (16 << 20))
    index += 1
    time.sleep(0.02)
`;
      const execution = await run(sandbox, code, { limits: { timeoutMs: 30_000 } });
      expect(execution.workDirExceeded).toBe(true);
      expect(execution.timedOut).toBe(false);
      expect(execution.stderr).toContain('work folder grew past 96 MB');
    });

    it('has no network: TCP to the host Redis on 127.0.0.1:6379 and to a public address both fail', async () => {
      // Redis really listens on the host, so a failure inside is the sandbox's doing.
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(6379, '127.0.0.1', () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      });
      const code = `
import socket
for host, port in [('127.0.0.1', 6379), ('1.1.1.1', 80), ('8.8.8.8', 53)]:
    try:
        socket.create_connection((host, port), timeout=2).close()
        print('connected', host)
    except OSError as error:
        print('failed', host, type(error).__name__)
try:
    socket.getaddrinfo('example.com', 80)
    print('resolved')
except OSError:
    print('no dns')
`;
      const execution = await run(sandbox, code);
      expect(execution.exitCode).toBe(0);
      expect(execution.stdout).not.toContain('connected');
      expect(execution.stdout).not.toContain('resolved');
      expect(execution.stdout.match(/^failed /gm)).toHaveLength(3);
    });

    describe('with secrets in the parent environment', () => {
      const saved = { slack: process.env.SLACK_BOT_TOKEN, openai: process.env.OPENAI_API_KEY };
      beforeAll(() => {
        process.env.SLACK_BOT_TOKEN = 'xoxb-sandbox-test-secret';
        process.env.OPENAI_API_KEY = 'sk-sandbox-test-secret';
      });
      afterAll(() => {
        if (saved.slack === undefined) delete process.env.SLACK_BOT_TOKEN;
        else process.env.SLACK_BOT_TOKEN = saved.slack;
        if (saved.openai === undefined) delete process.env.OPENAI_API_KEY;
        else process.env.OPENAI_API_KEY = saved.openai;
      });

      it('cannot read them: not in its environment nor in any /proc/*/environ it can see', async () => {
        const code = `
import os, glob
print(sorted(os.environ))
for path in glob.glob('/proc/*/environ'):
    try:
        print(open(path, 'rb').read().decode(errors='replace'))
    except OSError:
        pass
`;
        const execution = await run(sandbox, code);
        expect(execution.exitCode).toBe(0);
        expect(execution.stdout).not.toContain('SLACK_BOT_TOKEN');
        expect(execution.stdout).not.toContain('OPENAI_API_KEY');
        expect(execution.stdout).not.toContain('sandbox-test-secret');
        expect(execution.stdout).toContain("'MPLBACKEND'");
      });
    });

    it('cannot read /root, the project folder or /etc/shadow', async () => {
      const project = process.cwd();
      const code = `
import os, sys
for path in sys.argv[1:]:
    try:
        if os.path.isdir(path):
            print(path, 'LISTED', os.listdir(path))
        else:
            print(path, 'READ', len(open(path, 'rb').read()))
    except OSError as error:
        print(path, 'denied', type(error).__name__)
print('work holds', sorted(os.listdir('/work')))
`;
      const paths = ['/root', project, path.join(project, 'package.json'), '/etc/shadow', '/etc/ssh'];
      const execution = await run(sandbox, code, { args: paths });
      expect(execution.exitCode).toBe(0);
      for (const denied of paths) expect(execution.stdout).toContain(`${denied} denied`);
      expect(execution.stdout).toContain("work holds ['main.py']");
    });

    it('cannot write outside the work folder; its /tmp is private and gone afterwards', async () => {
      const mark = marker();
      const code = `
import sys
mark = sys.argv[1]
for path in ['/' + mark, '/etc/' + mark, '/usr/lib/' + mark, '/input/' + mark, '/input/train.csv', '/proc/' + mark]:
    try:
        open(path, 'w').write('x')
        print(path, 'WRITTEN')
    except OSError as error:
        print(path, 'denied', type(error).__name__)
open('/tmp/' + mark, 'w').write('scratch')
open('/work/ok.txt', 'w').write('fine')
`;
      const execution = await run(sandbox, code, {
        args: [mark],
        inputs: [{ hostPath: TITANIC, name: 'train.csv' }],
        collect: ['*'],
      });
      expect(execution.exitCode).toBe(0);
      expect(execution.stdout).not.toContain('WRITTEN');
      expect(execution.stdout.match(/ denied /g)).toHaveLength(6);
      expect(existsSync(path.join(tmpdir(), mark))).toBe(false);
      expect(existsSync(`/${mark}`)).toBe(false);
      expect(execution.files.map((file) => file.name)).toEqual(['ok.txt']);
    });

    it('cannot smuggle host files out through symlinks in the work folder', async () => {
      const code = `
import os
os.symlink('/etc/shadow', 'submission.csv')
os.symlink('/root', 'home')
os.makedirs('plots')
os.symlink('/etc/passwd', 'plots/chart.png')
`;
      const execution = await run(sandbox, code, { collect: ['*'] });
      expect(execution.exitCode).toBe(0);
      expect(execution.files).toEqual([]);
      expect(execution.skippedFiles).toEqual(
        expect.arrayContaining([
          { name: 'submission.csv', reason: 'symbolic link' },
          { name: 'plots/chart.png', reason: 'symbolic link' },
        ]),
      );
    });

    it('kills a child that outlives the script and a setsid double-forked daemon', async () => {
      const mark = marker();
      const code = `
import os, subprocess, sys, time
mark = sys.argv[1]
sleeper = "import time, sys; open(sys.argv[1], 'w').write('up'); time.sleep(60)"
subprocess.Popen([sys.executable, '-c', sleeper, '/work/child.up', mark])
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, '-c', sleeper, '/work/daemon.up', mark])
    os._exit(0)
while not (os.path.exists('/work/child.up') and os.path.exists('/work/daemon.up')):
    time.sleep(0.02)
print('both running')
`;
      const execution = await run(sandbox, code, {
        args: [mark],
        collect: ['*.up'],
        limits: { timeoutMs: 20_000 },
      });
      expect(execution.stdout).toBe('both running\n');
      expect(execution.exitCode).toBe(0);
      expect(execution.timedOut).toBe(false);
      expect(execution.files.map((file) => file.name)).toEqual(['child.up', 'daemon.up']);
      expect(await leftoversOf(driver, mark)).toEqual([]);
    });

    it('cancels through an AbortSignal and kills the whole tree', async () => {
      const mark = marker();
      const controller = new AbortController();
      const pending = run(sandbox, 'import time\nprint("started", flush=True)\ntime.sleep(60)\n', {
        args: [mark],
        signal: controller.signal,
        limits: { timeoutMs: 60_000 },
      });
      setTimeout(() => controller.abort(), 500);
      const execution = await pending;
      expect(execution.cancelled).toBe(true);
      expect(execution.timedOut).toBe(false);
      expect(await leftoversOf(driver, mark)).toEqual([]);

      const already = await run(sandbox, 'print("never")', { signal: AbortSignal.abort() });
      expect(already.cancelled).toBe(true);
      expect(already.stdout).toBe('');
    });
  });
});

describe('bwrap sandbox without cgroups (the RLIMIT_AS fallback)', () => {
  const fallback = new BwrapSandbox({ useCgroups: false, limits: { timeoutMs: 10_000, memoryMb: 256 } });

  it('turns a memory bomb into a MemoryError reported as oom_killed, and ordinary work still runs', async () => {
    const bomb = await run(fallback, 'hog = []\nwhile True:\n    hog.append(bytearray(16 * 1024 * 1024))\n');
    expect(bomb.stderr).toContain('MemoryError');
    expect(bomb.oomKilled).toBe(true);
    const fine = await run(fallback, 'import pandas\nprint(pandas.DataFrame({"a": [1, 2]}).a.sum())\n');
    expect(fine.stdout).toBe('3\n');
  });
});

describe('docker sandbox when its worker dies mid-run', () => {
  it('the container ends itself at its deadline, and the next sweep removes it', async () => {
    const mark = marker();
    const sandboxModule = path.resolve(import.meta.dirname, '../../sandbox/index.ts');
    const worker = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { createSandbox } from ${JSON.stringify(sandboxModule)};
         await createSandbox({ driver: 'docker', limits: { timeoutMs: 2_000 } }).execute({
           files: [{ path: 'main.py', content: 'import time\\ntime.sleep(600)\\n' }],
           entry: 'main.py',
           args: [${JSON.stringify(mark)}],
         });`,
      ],
      { stdio: 'ignore', detached: true },
    );
    const running = () =>
      execFileSync(
        'docker',
        ['ps', '--no-trunc', '--filter', `label=${CONTAINER_LABEL}`, '--format', '{{.Command}}'],
        { encoding: 'utf8' },
      ).includes(mark);
    await waitFor(running, 'the worker to start its container');
    // SIGKILL to the worker and to the docker client it started (its own process group): nothing of ours is
    // left to stop the container.
    process.kill(-worker.pid!, 'SIGKILL');
    for (const pid of await hostProcessesWith(mark)) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.startsWith('docker\0run\0')) process.kill(pid, 'SIGKILL');
    }
    expect(running()).toBe(true);
    // The in-container `timeout` ends it 10 s after the 2 s deadline.
    await waitFor(() => !running(), 'the container to end at its own deadline');
    expect(containersWith(mark)).toHaveLength(1);
    expect(await sweepStaleContainers('docker', Date.now() + 5 * 60_000)).toBeGreaterThanOrEqual(1);
    expect(containersWith(mark)).toEqual([]);
    expect(await hostProcessesWith(mark)).toEqual([]);
  }, 90_000);
});
