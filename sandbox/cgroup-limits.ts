// Memory and process limits through a per-run cgroup (v2, or v1 memory + pids), where this host lets us write one.
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

interface Mount {
  mountPoint: string;
  version: 1 | 2;
  controllers: string[];
}

export interface CgroupPlan {
  version: 1 | 2 | null;
  /** Folders new run groups are made in, per controller. */
  memoryParent: string | null;
  pidsParent: string | null;
}

/** A run's cgroup: the wrapper writes its pid into `procsFiles` before it execs the sandbox. */
export interface RunCgroup {
  readonly procsFiles: string[];
  readonly limitsMemory: boolean;
  readonly limitsProcesses: boolean;
  oomKilled(): Promise<boolean>;
  pids(): Promise<number[]>;
  /** SIGKILLs every member until none is left (a fork bomb keeps forking while we kill). */
  killAll(): Promise<void>;
  /** Waits for members to exit, then removes the groups. */
  remove(): Promise<void>;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

function parseMounts(mountinfo: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = left.split(' ')[4];
    const [fsType, , superOptions] = right.split(' ');
    if (!mountPoint) continue;
    if (fsType === 'cgroup2') mounts.push({ mountPoint, version: 2, controllers: [] });
    else if (fsType === 'cgroup') {
      const options = (superOptions ?? '').split(',');
      mounts.push({
        mountPoint,
        version: 1,
        controllers: options.filter((o) => o === 'memory' || o === 'pids'),
      });
    }
  }
  return mounts;
}

/** Maps "hierarchy-id:controllers:path" lines to controller → path ("" for the v2 unified entry). */
function parseOwnCgroups(text: string): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    for (const controller of match[1]!.split(',')) own.set(controller, match[2]!);
  }
  return own;
}

async function writable(dir: string): Promise<boolean> {
  const probe = path.join(dir, `linguacodus-probe-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(probe);
    await rmdir(probe);
    return true;
  } catch {
    return false;
  }
}

async function enableControllers(group: string): Promise<boolean> {
  const enabled = (await readText(path.join(group, 'cgroup.subtree_control'))) ?? '';
  if (/\bmemory\b/.test(enabled) && /\bpids\b/.test(enabled)) return true;
  return writeFile(path.join(group, 'cgroup.subtree_control'), '+memory +pids').then(
    () => true,
    () => false,
  );
}

async function v2ParentWithControllers(mount: Mount, ownPath: string): Promise<string | null> {
  // Runs nest under our own group so any limit set on the bot's group also bounds them.
  const parent = path.join(mount.mountPoint, ownPath);
  if (!(await enableControllers(parent))) {
    // cgroup v2's "no internal processes" rule: a group holding processes (ours) cannot hand controllers to
    // children. Under a delegated group (systemd Delegate=yes, a container's cgroup namespace) the usual way
    // out is to move this process into a leaf of its own, then enable the controllers on the now-empty parent.
    const leaf = path.join(parent, 'linguacodus-supervisor');
    try {
      await mkdir(leaf).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      await writeFile(path.join(leaf, 'cgroup.procs'), String(process.pid));
    } catch {
      return null;
    }
    if (!(await enableControllers(parent))) return null; // other processes share the group: no delegation here
  }
  return (await writable(parent)) ? parent : null;
}

let cachedPlan: Promise<CgroupPlan> | undefined;

/** Finds where this process may create limiting cgroups; computed once per process. */
export function planCgroups(): Promise<CgroupPlan> {
  cachedPlan ??= (async (): Promise<CgroupPlan> => {
    const mounts = parseMounts((await readText('/proc/self/mountinfo')) ?? '');
    const own = parseOwnCgroups((await readText('/proc/self/cgroup')) ?? '');
    const none: CgroupPlan = { version: null, memoryParent: null, pidsParent: null };
    const v1Memory = mounts.find((m) => m.version === 1 && m.controllers.includes('memory'));
    const v1Pids = mounts.find((m) => m.version === 1 && m.controllers.includes('pids'));
    if (v1Memory || v1Pids) {
      const parentFor = async (mount: Mount | undefined, controller: string): Promise<string | null> => {
        if (!mount) return null;
        const nested = path.join(mount.mountPoint, own.get(controller) ?? '/');
        if (await writable(nested)) return nested;
        return (await writable(mount.mountPoint)) ? mount.mountPoint : null;
      };
      const memoryParent = await parentFor(v1Memory, 'memory');
      const pidsParent = await parentFor(v1Pids, 'pids');
      return memoryParent || pidsParent ? { version: 1, memoryParent, pidsParent } : none;
    }
    const v2 = mounts.find((m) => m.version === 2);
    if (!v2) return none;
    const parent = await v2ParentWithControllers(v2, own.get('') ?? '/');
    return parent ? { version: 2, memoryParent: parent, pidsParent: parent } : none;
  })();
  return cachedPlan;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function readPids(procsFile: string): Promise<number[]> {
  const text = (await readText(procsFile)) ?? '';
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

/** Makes the run's groups and sets limits; returns null when this host allows neither. */
export async function createRunCgroup(
  plan: CgroupPlan,
  runId: string,
  limits: { memoryBytes: number; maxProcesses: number },
): Promise<RunCgroup | null> {
  if (plan.version === null) return null;
  const name = `linguacodus-${runId}`;
  const dirs: string[] = [];
  let limitsMemory = false;
  let limitsProcesses = false;
  // Each group is recorded once made, so a failure part-way removes exactly what was made.
  const makeGroup = async (parent: string) => {
    const dir = path.join(parent, name);
    await mkdir(dir);
    dirs.push(dir);
    return dir;
  };
  try {
    if (plan.version === 2) {
      const dir = await makeGroup(plan.memoryParent!);
      await writeFile(path.join(dir, 'memory.max'), String(limits.memoryBytes));
      // No swap: a run over its memory is killed rather than slowing the host down.
      await writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      await writeFile(path.join(dir, 'pids.max'), String(limits.maxProcesses));
      limitsMemory = true;
      limitsProcesses = true;
    } else {
      if (plan.memoryParent) {
        const dir = await makeGroup(plan.memoryParent);
        await writeFile(path.join(dir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
        await access(path.join(dir, 'memory.memsw.limit_in_bytes'))
          .then(() => writeFile(path.join(dir, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)))
          .catch(() => undefined); // swap accounting off: nothing to bound
        limitsMemory = true;
      }
      if (plan.pidsParent) {
        const dir = await makeGroup(plan.pidsParent);
        await writeFile(path.join(dir, 'pids.max'), String(limits.maxProcesses));
        limitsProcesses = true;
      }
    }
  } catch {
    for (const dir of dirs.reverse()) await rmdir(dir).catch(() => undefined);
    return null;
  }
  const procsFiles = dirs.map((dir) => path.join(dir, 'cgroup.procs'));
  const memoryDir = limitsMemory ? dirs[0]! : null;

  const pids = async (): Promise<number[]> => {
    const all = new Set<number>();
    for (const file of procsFiles) for (const pid of await readPids(file)) all.add(pid);
    return [...all];
  };

  return {
    procsFiles,
    limitsMemory,
    limitsProcesses,
    async oomKilled() {
      if (!memoryDir) return false;
      const file = plan.version === 2 ? 'memory.events' : 'memory.oom_control';
      const text = (await readText(path.join(memoryDir, file))) ?? '';
      const match = /^oom_kill (\d+)$/m.exec(text);
      return match !== null && Number(match[1]) > 0;
    },
    pids,
    async killAll() {
      if (plan.version === 2) {
        const killFile = path.join(dirs[0]!, 'cgroup.kill');
        if (
          await writeFile(killFile, '1').then(
            () => true,
            () => false,
          )
        )
          return;
      }
      for (let round = 0; round < 50; round++) {
        const members = await pids();
        if (members.length === 0) return;
        killPids(members);
        await sleep(10);
      }
    },
    async remove() {
      for (let attempt = 0; attempt < 400; attempt++) {
        if ((await pids()).length === 0) break;
        if (attempt % 40 === 39) killPids(await pids());
        await sleep(5);
      }
      for (const dir of [...dirs].reverse()) {
        // The kernel releases a group a moment after its last member is reaped; retry briefly.
        for (let attempt = 0; attempt < 200; attempt++) {
          try {
            await rmdir(dir);
            break;
          } catch {
            await sleep(5);
          }
        }
      }
    },
  };
}
