// A CSV written to a temporary folder for the intake tests that need one.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { DEFAULT_INTAKE_LIMITS, intakeTask } from '../../core/intake/index.ts';

export async function writeCsvForTest(name: string, content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'lc-meanings-')), name);
  await writeFile(path, content);
  return path;
}
