// How much of a generated script is alive: its lines, and the share of its statements that run when it runs on its
// own task's harness files in the sandbox (full mode), measured by Debian's python3-coverage. Used by the bench's
// "lines" and "executed %" columns and by tests/integration/generated-code-quality.test.ts.
import type { Sandbox, SandboxFile, SandboxLimits } from '../sandbox/index.ts';

/** Runs solution.py under coverage.py, counting its own statements only, and writes the report as JSON. */
const COVERAGE_RUNNER = `import os
import runpy

import coverage

path = os.path.abspath("solution.py")
measure = coverage.Coverage(include=[path], data_file=None)
measure.start()
try:
    runpy.run_path(path, run_name="__main__")
finally:
    measure.stop()
    measure.json_report(outfile="coverage.json")
`;

export interface ScriptCoverage {
  lines: number;
  /** Percent of the script's statements executed, null when coverage could not be measured. */
  executed: number | null;
  /** submission.csv as the script wrote it under coverage, for the caller's harness check. */
  submission: Buffer | null;
  error: string | null;
}

/** Lines of a script as a reader counts them (no trailing blank lines). */
export const scriptLines = (code: string) => code.trimEnd().split('\n').length;

export async function measureScript(
  sandbox: Sandbox,
  runFiles: SandboxFile[],
  code: string,
  limits: Partial<SandboxLimits> = {},
): Promise<ScriptCoverage> {
  const execution = await sandbox.execute({
    files: [
      ...runFiles,
      { path: 'solution.py', content: code },
      { path: 'coverage_runner.py', content: COVERAGE_RUNNER },
    ],
    entry: 'coverage_runner.py',
    collect: ['coverage.json', 'submission.csv'],
    limits,
  });
  const file = (name: string) => execution.files.find((f) => f.name === name)?.bytes ?? null;
  const report = file('coverage.json');
  const failed = execution.exitCode !== 0 ? execution.stderr.trim().split('\n').slice(-3).join(' | ') : null;
  if (!report) {
    return {
      lines: scriptLines(code),
      executed: null,
      submission: null,
      error: failed ?? 'no coverage report',
    };
  }
  const totals = (JSON.parse(report.toString('utf8')) as { totals: { percent_covered: number } }).totals;
  return {
    lines: scriptLines(code),
    executed: totals.percent_covered,
    submission: file('submission.csv'),
    error: failed,
  };
}
