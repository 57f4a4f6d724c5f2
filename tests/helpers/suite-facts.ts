// The suite's CSVs read once per test file, as intake's steps see them: the table, its column profiles and facts.
import { loadSuite, type SuiteTask } from '../../bench/suite.ts';
import { columnFacts } from '../../core/intake/column-facts.ts';
import { profileColumns } from '../../core/intake/data-profile.ts';
import { type ColumnFact, DEFAULT_INTAKE_LIMITS, readCsv, type Table } from '../../core/intake/index.ts';
import type { ColumnProfile } from '../../core/types.ts';

export interface SuiteData {
  task: SuiteTask;
  table: Table;
  profiles: ColumnProfile[];
  facts: ColumnFact[];
}

const cache = new Map<string, Promise<SuiteData>>();

/** A suite task's training file, read and profiled once per test process. */
export function suiteData(id: string): Promise<SuiteData> {
  let found = cache.get(id);
  if (!found) {
    found = (async () => {
      const suite = await loadSuite();
      const task = suite.tasks.find((t) => t.id === id);
      if (!task) throw new Error(`no suite task ${id}`);
      const table = await readCsv(task.file, DEFAULT_INTAKE_LIMITS);
      const profiles = profileColumns(table);
      return { task, table, profiles, facts: columnFacts(table, profiles) };
    })();
    cache.set(id, found);
  }
  return found;
}
