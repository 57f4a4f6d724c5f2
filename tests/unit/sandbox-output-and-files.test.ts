import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputTail } from '../../sandbox/output-tail.ts';
import { resolveLimits } from '../../sandbox/resolve-limits.ts';
import { splitExitStatus } from '../../sandbox/supervise-process.ts';
import { DEFAULT_LIMITS, InvalidSandboxJobError } from '../../sandbox/types.ts';
import { checkRelativePath, collectFiles, globToRegExp } from '../../sandbox/work-folder.ts';

describe('output tail', () => {
  it('keeps the last bytes and counts every byte it dropped', () => {
    const tail = new OutputTail(10);
    tail.push(Buffer.from('0123456789'));
    tail.push(Buffer.from('abcdef'));
    expect(tail.text()).toBe('6789abcdef');
    expect(tail.droppedBytes).toBe(6);
    tail.push(Buffer.from('X'.repeat(25)));
    expect(tail.text()).toBe('X'.repeat(10));
    expect(tail.droppedBytes).toBe(6 + 10 + 15);
  });

  it('does not start the tail with half of a multi-byte character', () => {
    const tail = new OutputTail(5);
    tail.push(Buffer.from('ééé')); // 6 bytes: the first byte kept is a continuation byte
    expect(tail.text()).toBe('éé');
  });
});

describe('limits and exit status', () => {
  it('lets later layers win and rejects a non-positive limit', () => {
    const limits = resolveLimits({ memoryMb: 512 }, { memoryMb: 256, timeoutMs: undefined });
    expect(limits.memoryMb).toBe(256);
    expect(limits.timeoutMs).toBe(DEFAULT_LIMITS.timeoutMs);
    expect(() => resolveLimits({ timeoutMs: 0 })).toThrow();
  });

  it('reads 128+N from the sandbox as a kill by signal N', () => {
    expect(splitExitStatus(137, null)).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(splitExitStatus(2, null)).toEqual({ exitCode: 2, signal: null });
    expect(splitExitStatus(null, 'SIGKILL')).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });
});

describe('work folder paths and collection', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('refuses job paths that leave the work folder', () => {
    for (const bad of ['../x.py', '/etc/passwd', 'a/../../x', '', '.']) {
      expect(() => checkRelativePath(bad, 'a file')).toThrow(InvalidSandboxJobError);
    }
    expect(checkRelativePath('src/./main.py', 'a file')).toBe('src/main.py');
  });

  it('matches * within one folder, ** across folders, and a lone * as every file', () => {
    expect(globToRegExp('*.png').test('plot.png')).toBe(true);
    expect(globToRegExp('*.png').test('plots/plot.png')).toBe(false);
    expect(globToRegExp('**/*.png').test('plots/a/plot.png')).toBe(true);
    expect(globToRegExp('*').test('deep/in/a/folder.txt')).toBe(true);
    expect(globToRegExp('submission.csv').test('submission_csv')).toBe(false);
  });

  it('collects written files, never follows symlinks, skips unchanged job files and oversized files', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'lc-collect-'));
    dirs.push(work);
    await writeFile(path.join(work, 'main.py'), 'print(1)');
    await writeFile(path.join(work, 'edited.py'), 'changed');
    await writeFile(path.join(work, 'submission.csv'), 'id,y\n1,0\n');
    await mkdir(path.join(work, 'plots'));
    await writeFile(path.join(work, 'plots', 'a.png'), 'png');
    await writeFile(path.join(work, 'huge.bin'), Buffer.alloc(2048));
    await symlink('/etc/hostname', path.join(work, 'leak.txt'));
    const result = await collectFiles(
      work,
      ['*'],
      [
        { path: 'main.py', content: 'print(1)' },
        { path: 'edited.py', content: 'original' },
      ],
      { maxFileBytes: 1024, maxTotalBytes: 1_000_000 },
    );
    expect(result.files.map((file) => file.name)).toEqual(['edited.py', 'plots/a.png', 'submission.csv']);
    expect(result.files.find((file) => file.name === 'submission.csv')!.bytes.toString()).toBe('id,y\n1,0\n');
    expect(result.skipped.map((entry) => entry.name).sort()).toEqual(['huge.bin', 'leak.txt']);
    const onlyCsv = await collectFiles(work, ['*.csv'], [], { maxFileBytes: 1024, maxTotalBytes: 1_000_000 });
    expect(onlyCsv.files.map((file) => file.name)).toEqual(['submission.csv']);
  });
});
