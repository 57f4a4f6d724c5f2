// Host processes seen from outside the sandbox: the pids whose command line carries a marker string.
import { readdir, readFile } from 'node:fs/promises';

export async function processesCarrying(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) pids.push(Number(name));
  }
  return pids;
}
