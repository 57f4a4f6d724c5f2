// A user's clone has nothing beside it: no file of the repository may reach outside it for data or code.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../bench/suite.ts';
import { PAPER_DATA_DIR, REPO_ROOT, SUITE_DIR } from '../helpers/datasets.ts';

// Spelled in pieces so this file does not match itself.
const SIBLING = ['..', 'shared'].join('/');
const ABSOLUTE = ['', 'work', 'shared'].join('/');

function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return out.split('\0').filter((f) => f && existsSync(join(REPO_ROOT, f)));
}

describe('the repository stands alone', () => {
  it(`no file reads ${SIBLING} or ${ABSOLUTE}`, () => {
    const offenders = repositoryFiles()
      .filter((file) => !file.startsWith('datasets/') || file.endsWith('.md'))
      .filter((file) => {
        const text = readFileSync(join(REPO_ROOT, file), 'utf8');
        return text.includes(SIBLING) || text.includes(ABSOLUTE);
      });
    expect(offenders).toEqual([]);
  });

  it('holds every suite task file, each task with its SOURCE.md', async () => {
    const suite = await loadSuite();
    expect(suite.dir).toBe(SUITE_DIR);
    expect(suite.tasks).toHaveLength(16);
    for (const task of suite.tasks) {
      for (const file of [task.file, ...task.extraFiles]) expect(existsSync(file), file).toBe(true);
      const folder = join(task.file, '..');
      expect(existsSync(join(folder, 'SOURCE.md')), folder).toBe(true);
    }
    expect(existsSync(join(SUITE_DIR, 'INDEX.md'))).toBe(true);
  });

  it("holds the paper's released records with their licence and source", () => {
    for (const file of ['result_prompts_new.csv', 'sample_inputs.csv', 'LICENSE', 'SOURCE.md']) {
      expect(existsSync(join(PAPER_DATA_DIR, file)), file).toBe(true);
    }
    expect(readFileSync(join(PAPER_DATA_DIR, 'LICENSE'), 'utf8')).toMatch(/MIT License/);
  });
});
