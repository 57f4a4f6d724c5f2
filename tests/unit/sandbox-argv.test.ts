import { describe, expect, it } from 'vitest';
import { ADDRESS_SPACE_HEADROOM_MB, buildBwrapArgv, type HostLayout } from '../../sandbox/bwrap-driver.ts';
import { buildDockerRunArgv } from '../../sandbox/docker-driver.ts';
import { resolveLimits } from '../../sandbox/resolve-limits.ts';

const layout: HostLayout = {
  rootLinks: [
    { path: '/lib', target: 'usr/lib' },
    { path: '/bin', target: 'usr/bin' },
  ],
  rootDirs: [],
  etcEntries: ['/etc/ld.so.cache', '/etc/alternatives'],
};
const limits = resolveLimits({
  memoryMb: 256,
  maxProcesses: 32,
  cpuSeconds: 10,
  maxFileMb: 64,
  maxWorkDirMb: 128,
});

function bwrapArgv(overrides: Partial<Parameters<typeof buildBwrapArgv>[0]> = {}) {
  return buildBwrapArgv({
    layout,
    python: '/usr/bin/python3',
    pythonBinds: [],
    workDir: '/tmp/run-1/work',
    etcDir: '/tmp/run-1/etc',
    inputs: [{ hostPath: '/data/train.csv', name: 'train.csv' }],
    limits,
    memoryViaRlimit: false,
    entry: 'main.py',
    args: ['--fast'],
    env: {},
    threads: 2,
    ...overrides,
  });
}

/** Pairs each flag with the values that follow it, for flags that take `arity` values. */
function occurrences(argv: string[], flag: string, arity: number): string[][] {
  const found: string[][] = [];
  argv.forEach((word, index) => {
    if (word === flag) found.push(argv.slice(index + 1, index + 1 + arity));
  });
  return found;
}

describe('bubblewrap arguments', () => {
  it('unshares every namespace, network included, and runs as a non-root uid with no capabilities', () => {
    const argv = bwrapArgv();
    expect(argv).toContain('--unshare-all');
    expect(argv).toContain('--unshare-user');
    expect(argv).not.toContain('--share-net');
    expect(argv).toContain('--die-with-parent');
    expect(argv).toContain('--new-session');
    expect(occurrences(argv, '--uid', 1)).toEqual([['65534']]);
    expect(occurrences(argv, '--gid', 1)).toEqual([['65534']]);
    expect(occurrences(argv, '--cap-drop', 1)).toEqual([['ALL']]);
  });

  it('makes the work folder the only writable bind and mounts inputs read-only under /input', () => {
    const argv = bwrapArgv();
    expect(occurrences(argv, '--bind', 2)).toEqual([['/tmp/run-1/work', '/work']]);
    expect(occurrences(argv, '--ro-bind', 2)).toContainEqual(['/data/train.csv', '/input/train.csv']);
    expect(occurrences(argv, '--ro-bind', 2)).toContainEqual(['/usr', '/usr']);
    expect(occurrences(argv, '--remount-ro', 1)).toEqual([['/']]);
    expect(occurrences(argv, '--symlink', 2)).toContainEqual(['usr/lib', '/lib']);
    expect(occurrences(argv, '--chdir', 1)).toEqual([['/work']]);
    // A fresh, size-bounded /tmp.
    const sizeAt = argv.indexOf('--size');
    expect(argv.slice(sizeAt, sizeAt + 4)).toEqual(['--size', String(128 * 1024 * 1024), '--tmpfs', '/tmp']);
  });

  it('starts from an empty environment and sets only what Python needs plus the job extras', () => {
    const argv = bwrapArgv({ env: { SEED: '7' } });
    expect(argv).toContain('--clearenv');
    const env = Object.fromEntries(occurrences(argv, '--setenv', 2).map(([key, value]) => [key, value]));
    expect(Object.keys(env).sort()).toEqual(
      [
        'HOME',
        'LANG',
        'MKL_NUM_THREADS',
        'MPLBACKEND',
        'NUMEXPR_NUM_THREADS',
        'OMP_NUM_THREADS',
        'OMP_WAIT_POLICY',
        'OPENBLAS_NUM_THREADS',
        'PATH',
        'PYTHONDONTWRITEBYTECODE',
        'PYTHONUNBUFFERED',
        'SEED',
      ].sort(),
    );
    expect(env.MPLBACKEND).toBe('Agg');
    expect(env.OMP_NUM_THREADS).toBe('2');
    expect(env.OMP_WAIT_POLICY).toBe('PASSIVE');
  });

  it('sets rlimits inside the sandbox, and bounds the address space only when no memory cgroup exists', () => {
    const withCgroup = bwrapArgv();
    const command = withCgroup.slice(withCgroup.indexOf('--') + 1);
    expect(command).toEqual([
      '/usr/bin/prlimit',
      '--cpu=10',
      `--fsize=${64 * 1024 * 1024}`,
      '--nproc=32',
      '--core=0',
      '/usr/bin/python3',
      '/work/main.py',
      '--fast',
    ]);
    const withoutCgroup = bwrapArgv({ memoryViaRlimit: true });
    expect(withoutCgroup).toContain(`--as=${(256 + ADDRESS_SPACE_HEADROOM_MB) * 1024 * 1024}`);
  });
});

describe('docker arguments', () => {
  const deadlineMs = Date.now() + 30_000;
  const argv = buildDockerRunArgv({
    containerName: 'linguacodus-abc',
    image: 'linguacodus-sandbox:1',
    deadlineMs,
    workDir: '/tmp/run-1/work',
    inputs: [{ hostPath: '/data/train.csv', name: 'train.csv' }],
    limits,
    entry: 'main.py',
    args: [],
    env: {},
    threads: 2,
  });

  it('carries every isolation flag the issue asks for', () => {
    expect(argv[0]).toBe('run');
    expect(occurrences(argv, '--network', 1)).toEqual([['none']]);
    expect(argv).toContain('--read-only');
    expect(occurrences(argv, '--cap-drop', 1)).toEqual([['ALL']]);
    expect(occurrences(argv, '--security-opt', 1)).toEqual([['no-new-privileges']]);
    expect(occurrences(argv, '--pids-limit', 1)).toEqual([['32']]);
    expect(occurrences(argv, '--memory', 1)).toEqual([['256m']]);
    expect(occurrences(argv, '--memory-swap', 1)).toEqual([['256m']]);
    expect(occurrences(argv, '--cpus', 1)).toEqual([['2']]);
    expect(occurrences(argv, '--user', 1)).toEqual([['65534:65534']]);
    expect(occurrences(argv, '--tmpfs', 1)[0]![0]).toMatch(/^\/tmp:rw,nosuid,nodev,size=\d+/);
    expect(occurrences(argv, '--log-driver', 1)).toEqual([['none']]);
    expect(occurrences(argv, '--label', 1)).toEqual([
      ['org.linguacodus.sandbox=1'],
      [`org.linguacodus.deadline=${Math.ceil(deadlineMs / 1000) + 10}`],
    ]);
    expect(occurrences(argv, '--ulimit', 1)).toContainEqual([
      `fsize=${64 * 1024 * 1024}:${64 * 1024 * 1024}`,
    ]);
  });

  it('binds the work folder read-write and inputs read-only, then runs the entry in /work', () => {
    expect(occurrences(argv, '--volume', 1)).toEqual([
      ['/tmp/run-1/work:/work:rw'],
      ['/data/train.csv:/input/train.csv:ro'],
    ]);
    expect(occurrences(argv, '--workdir', 1)).toEqual([['/work']]);
    expect(argv.slice(-6)).toEqual([
      'linguacodus-sandbox:1',
      '/usr/bin/timeout',
      '--signal=KILL',
      '40s',
      '/usr/bin/python3',
      '/work/main.py',
    ]);
    expect(occurrences(argv, '--env', 1)).toContainEqual(['MPLBACKEND=Agg']);
  });
});
