// Builds the sandbox a deployment chose (bwrap or docker) from one set of options.
import { BwrapSandbox } from './bwrap-driver.ts';
import { DockerSandbox } from './docker-driver.ts';
import type { Sandbox, SandboxLimits } from './types.ts';

export interface CreateSandboxOptions {
  driver: 'bwrap' | 'docker';
  /** The python the bwrap driver runs (host path, default /usr/bin/python3). */
  python?: string;
  /** Defaults for every job; a job's own limits win. */
  limits?: Partial<SandboxLimits>;
  dockerImage?: string;
  dockerCli?: string;
  /** Where per-run work folders are made (default: $TMPDIR/linguacodus-sandbox). */
  workRoot?: string;
}

export function createSandbox(options: CreateSandboxOptions): Sandbox {
  if (options.driver === 'docker') {
    return new DockerSandbox({
      image: options.dockerImage,
      cli: options.dockerCli,
      limits: options.limits,
      workRoot: options.workRoot,
    });
  }
  return new BwrapSandbox({ python: options.python, limits: options.limits, workRoot: options.workRoot });
}
