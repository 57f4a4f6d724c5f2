import { describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../sandbox/bwrap-driver.ts';
import { debianInstallCommand } from '../../sandbox/check-sandbox.ts';
import { checkSandbox, SandboxUnavailableError } from '../../sandbox/index.ts';

async function unavailable(promise: Promise<unknown>): Promise<SandboxUnavailableError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SandboxUnavailableError);
  return error as SandboxUnavailableError;
}

const job = { files: [{ path: 'main.py', content: 'print(1)' }], entry: 'main.py' };

describe('checking the sandbox before the first job', () => {
  it('finds bwrap and the ML libraries on this host, and says how memory and processes are bounded', async () => {
    const check = await checkSandbox({ driver: 'bwrap' });
    expect(check.driver).toBe('bwrap');
    expect(check.pythonVersion).toMatch(/^3\.\d+\.\d+$/);
    expect(Object.keys(check.modules).sort()).toEqual([
      'matplotlib',
      'numpy',
      'pandas',
      'sklearn',
      'xgboost',
    ]);
    expect(['cgroup-v1', 'cgroup-v2', 'rlimit-as']).toContain(check.memoryLimit);
    expect(['cgroup-v1', 'cgroup-v2', 'rlimit-nproc']).toContain(check.processLimit);
  });

  it('names the Debian package to install for a library the sandbox Python lacks', async () => {
    const error = await unavailable(
      checkSandbox({ driver: 'bwrap', modules: ['numpy', 'no_such_module_lc'] }),
    );
    expect(error.message).toContain('no_such_module_lc');
    expect(error.message).not.toContain('numpy');
    expect(error.fix).toBe('apt-get install python3-no_such_module_lc');
    expect(debianInstallCommand(['sklearn', 'xgboost'])).toBe(
      'apt-get install python3-sklearn python3-xgboost',
    );
  });

  it('names bubblewrap when bwrap is missing, and python3 when the interpreter is', async () => {
    const noBwrap = await unavailable(new BwrapSandbox({ bwrapPath: '/nonexistent/bwrap' }).execute(job));
    expect(noBwrap.fix).toBe('apt-get install bubblewrap');
    const noPython = await unavailable(new BwrapSandbox({ python: '/usr/bin/python-missing' }).execute(job));
    expect(noPython.fix).toContain('apt-get install python3');
  });

  it('finds the docker engine, the image the set-up step built, and its libraries', async () => {
    const check = await checkSandbox({ driver: 'docker' });
    expect(check.driver).toBe('docker');
    expect(Object.keys(check.modules).sort()).toEqual([
      'matplotlib',
      'numpy',
      'pandas',
      'sklearn',
      'xgboost',
    ]);
    expect(check.memoryLimit).toBe('docker');
  });

  it('names the command that builds a missing docker image', async () => {
    const error = await unavailable(
      checkSandbox({ driver: 'docker', dockerImage: 'linguacodus-sandbox:absent' }),
    );
    expect(error.message).toContain('linguacodus-sandbox:absent');
    expect(error.fix).toContain('npm run setup');
  });

  it('reports an unreachable docker engine with what to do about it', async () => {
    const error = await unavailable(checkSandbox({ driver: 'docker', dockerCli: '/nonexistent/docker' }));
    expect(error.fix).toContain('SANDBOX_DRIVER=bwrap');
  });
});
