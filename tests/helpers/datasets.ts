// The repository's own copies of the real data the tests read (datasets/README.md says where each comes from).
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
/** The 16-task suite: one folder per task, plus suite.json. */
export const SUITE_DIR = join(REPO_ROOT, 'datasets', 'suite');
/** The Linguacodus paper's released records. */
export const PAPER_DATA_DIR = join(REPO_ROOT, 'datasets', 'linguacodus-paper');

/** A file of one suite task, e.g. suiteFile('titanic', 'train.csv'). */
export const suiteFile = (task: string, file: string): string => join(SUITE_DIR, task, file);

export const TITANIC = suiteFile('titanic', 'train.csv');
export const BLUEBERRY = suiteFile('wild_blueberry', 'WildBlueberryPollinationSimulationData.csv');
export const PAPER_RECORDS = join(PAPER_DATA_DIR, 'result_prompts_new.csv');
export const PAPER_TASKS = join(PAPER_DATA_DIR, 'sample_inputs.csv');
