import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSandbox, createSandbox } from '../../sandbox/index.ts';
import { TITANIC } from '../helpers/datasets.ts';

// The docker driver against a real engine. Machines without one (this project's CI) skip these, and say so.
function dockerEngineAnswers(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

const dockerAvailable = dockerEngineAnswers();
const IMAGE = 'linguacodus-sandbox:1';
const noEngine = 'skipped: no Docker engine here (`docker info` failed)';

describe('docker sandbox', () => {
  const sandbox = createSandbox({
    driver: 'docker',
    dockerImage: IMAGE,
    limits: { timeoutMs: 5_000, memoryMb: 256, maxProcesses: 32, maxOutputBytes: 64 * 1024 },
  });

  beforeAll(() => {
    if (!dockerAvailable) return;
    try {
      execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' });
    } catch {
      execFileSync('docker', ['build', '-t', IMAGE, '-f', 'sandbox/Dockerfile', 'sandbox'], {
        stdio: 'inherit',
      });
    }
  }, 900_000);

  it.skipIf(!dockerAvailable)(`finds the engine, the image and its libraries (${noEngine})`, async () => {
    const check = await checkSandbox({ driver: 'docker', dockerImage: IMAGE });
    expect(Object.keys(check.modules)).toEqual(expect.arrayContaining(['pandas', 'sklearn', 'xgboost']));
  });

  it.skipIf(!dockerAvailable)(
    `runs a scikit-learn script and returns submission.csv (${noEngine})`,
    async () => {
      const code = `
import pandas as pd
from sklearn.linear_model import LinearRegression
frame = pd.read_csv('/input/train.csv')
model = LinearRegression().fit(frame[['Pclass', 'Fare']].fillna(0), frame['Survived'])
pd.DataFrame({'id': frame['PassengerId'], 'p': model.predict(frame[['Pclass', 'Fare']].fillna(0))}).to_csv('submission.csv', index=False)
`;
      const execution = await sandbox.execute({
        files: [{ path: 'main.py', content: code }],
        entry: 'main.py',
        inputs: [{ hostPath: TITANIC, name: 'train.csv' }],
        collect: ['submission.csv'],
        limits: { timeoutMs: 120_000, memoryMb: 1024 },
      });
      expect(execution.exitCode).toBe(0);
      expect(execution.files.map((file) => file.name)).toEqual(['submission.csv']);
    },
  );

  it.skipIf(!dockerAvailable)(`kills an infinite loop and has no network (${noEngine})`, async () => {
    const loop = await sandbox.execute({
      files: [{ path: 'main.py', content: 'while True: pass\n' }],
      entry: 'main.py',
    });
    expect(loop.timedOut).toBe(true);
    const code = `
import socket
try:
    socket.create_connection(('1.1.1.1', 80), timeout=2)
    print('connected')
except OSError:
    print('failed')
`;
    const offline = await sandbox.execute({ files: [{ path: 'main.py', content: code }], entry: 'main.py' });
    expect(offline.stdout).toBe('failed\n');
  });

  it.skipIf(!dockerAvailable)(`reports a memory bomb as oom_killed (${noEngine})`, async () => {
    const code = 'hog = []\nwhile True:\n    hog.append(bytearray(16 * 1024 * 1024))\n';
    const execution = await sandbox.execute({
      files: [{ path: 'main.py', content: code }],
      entry: 'main.py',
    });
    expect(execution.oomKilled || execution.stderr.includes('MemoryError')).toBe(true);
  });
});
