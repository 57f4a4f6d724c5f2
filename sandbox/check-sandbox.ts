// Checks, before the first job, that the chosen driver and the Python libraries generated code needs are present.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { planCgroups } from './cgroup-limits.ts';
import { type CreateSandboxOptions, createSandbox } from './create-sandbox.ts';
import { DEFAULT_DOCKER_IMAGE, IMAGE_FIX } from './docker-driver.ts';
import { type Sandbox, SandboxUnavailableError } from './types.ts';

const run = promisify(execFile);

/** Import name → the Debian package that provides it for /usr/bin/python3. */
export const DEBIAN_PACKAGES: Record<string, string> = {
  numpy: 'python3-numpy',
  pandas: 'python3-pandas',
  sklearn: 'python3-sklearn',
  matplotlib: 'python3-matplotlib',
  xgboost: 'python3-xgboost',
  scipy: 'python3-scipy',
  lightgbm: 'python3-lightgbm',
};

/** The apt-get line that installs the Debian packages providing these Python modules. */
export function debianInstallCommand(modules: string[]): string {
  return `apt-get install ${modules.map((name) => DEBIAN_PACKAGES[name] ?? `python3-${name}`).join(' ')}`;
}

export const REQUIRED_MODULES = ['numpy', 'pandas', 'sklearn', 'matplotlib', 'xgboost'];

export interface SandboxCheck {
  driver: 'bwrap' | 'docker';
  pythonVersion: string;
  modules: Record<string, string>;
  /** How memory and process counts are bounded on this host. */
  memoryLimit: 'cgroup-v1' | 'cgroup-v2' | 'rlimit-as' | 'docker';
  processLimit: 'cgroup-v1' | 'cgroup-v2' | 'rlimit-nproc' | 'docker';
  /** Weaker isolation worth telling an operator about. */
  warnings: string[];
}

export interface CheckSandboxOptions extends CreateSandboxOptions {
  /** Modules that must import inside the sandbox (default: numpy, pandas, sklearn, matplotlib, xgboost). */
  modules?: string[];
}

const PROBE = `
import importlib, json, sys
found, missing = {}, []
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
        found[name] = str(getattr(module, '__version__', '?'))
    except Exception as error:
        missing.append(name)
print(json.dumps({'python': sys.version.split()[0], 'found': found, 'missing': missing}))
`;

const probeResultSchema = z.object({
  python: z.string(),
  found: z.record(z.string(), z.string()),
  missing: z.array(z.string()),
});

async function probe(sandbox: Sandbox, modules: string[], fixFor: (missing: string[]) => string) {
  const execution = await sandbox.execute({
    files: [{ path: 'probe.py', content: PROBE }],
    entry: 'probe.py',
    args: modules,
    limits: { timeoutMs: 120_000 },
  });
  const parsed = probeResultSchema.safeParse(
    (() => {
      try {
        return JSON.parse(execution.stdout.trim().split('\n').at(-1) ?? '');
      } catch {
        return null;
      }
    })(),
  );
  if (!parsed.success) {
    throw new SandboxUnavailableError(
      `Python does not start inside the sandbox (exit ${execution.exitCode ?? execution.signal}): ${execution.stderr.slice(-500)}`,
      'apt-get install python3',
    );
  }
  if (parsed.data.missing.length > 0) {
    throw new SandboxUnavailableError(
      `Python libraries missing in the sandbox: ${parsed.data.missing.join(', ')}`,
      fixFor(parsed.data.missing),
    );
  }
  return parsed.data;
}

/** Throws SandboxUnavailableError, with the command that fixes it, when the sandbox cannot run generated code. */
export async function checkSandbox(options: CheckSandboxOptions): Promise<SandboxCheck> {
  const modules = options.modules ?? REQUIRED_MODULES;
  if (options.driver === 'docker') {
    const cli = options.dockerCli ?? 'docker';
    const image = options.dockerImage ?? DEFAULT_DOCKER_IMAGE;
    try {
      await run(cli, ['info'], { timeout: 20_000 });
    } catch (cause) {
      throw new SandboxUnavailableError(
        `the ${cli} engine is not reachable`,
        `install and start Docker (${IMAGE_FIX} does both on Debian), or set SANDBOX_DRIVER=bwrap`,
        { cause },
      );
    }
    try {
      await run(cli, ['image', 'inspect', image], { timeout: 20_000 });
    } catch (cause) {
      throw new SandboxUnavailableError(`the sandbox image ${image} is not built`, IMAGE_FIX, { cause });
    }
    const sandbox = createSandbox({ ...options, dockerCli: cli, dockerImage: image });
    const result = await probe(sandbox, modules, () => `rebuild the image: ${IMAGE_FIX}`);
    return {
      driver: 'docker',
      pythonVersion: result.python,
      modules: result.found,
      memoryLimit: 'docker',
      processLimit: 'docker',
      warnings: [],
    };
  }

  const result = await probe(createSandbox(options), modules, debianInstallCommand);
  const plan = await planCgroups();
  const cgroupName = plan.version === 2 ? 'cgroup-v2' : 'cgroup-v1';
  const warnings: string[] = [];
  if (!plan.memoryParent) warnings.push('no writable memory cgroup: memory is bounded by RLIMIT_AS only');
  if (!plan.pidsParent && process.getuid?.() === 0) {
    warnings.push(
      'no writable pids cgroup and running as root: RLIMIT_NPROC does not bind root, so process count is unbounded',
    );
  }
  return {
    driver: 'bwrap',
    pythonVersion: result.python,
    modules: result.found,
    memoryLimit: plan.memoryParent ? cgroupName : 'rlimit-as',
    processLimit: plan.pidsParent ? cgroupName : 'rlimit-nproc',
    warnings,
  };
}
