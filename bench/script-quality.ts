// The code we hand over, measured (`npm run bench:scripts`): for every suite task, the offline engine's three options,
// the vanilla control and one Improve step from option 1, each run on its own task's harness files in the sandbox
// under python3-coverage (full mode): lines, executed %, black --check (line length 120), pyflakes, and the harness's
// submission check. Options: --tasks id,id (a subset), --out FILE (the markdown report; default
// bench/results/scripts.md).
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareHarness } from '../core/harness/index.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask } from '../core/intake/index.ts';
import {
  OfflineCoder,
  OfflineInstructor,
  offlineImprovement,
  vanillaInstruction,
} from '../core/offline/index.ts';
import type { Instruction } from '../core/types.ts';
import { createSandbox } from '../sandbox/index.ts';
import { measureScript } from './script-coverage.ts';
import { loadSuite, suiteTaskInput } from './suite.ts';
import { markdownTable } from './suite-bench.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

interface ScriptRow {
  task: string;
  script: string;
  lines: number;
  executed: number | null;
  black: boolean;
  pyflakes: boolean;
  problem: string | null;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { tasks: { type: 'string' }, out: { type: 'string' } },
  });
  const suite = await loadSuite();
  const wanted = values.tasks?.split(',').map((t) => t.trim());
  const tasks = wanted ? suite.tasks.filter((t) => wanted.includes(t.id)) : suite.tasks;
  const sandbox = createSandbox({ driver: 'bwrap', limits: { timeoutMs: 900_000 } });
  const coder = new OfflineCoder();
  const instructor = new OfflineInstructor();
  const rows: ScriptRow[] = [];
  for (const entry of tasks) {
    const { spec: task, profile } = await intakeTask(suiteTaskInput(entry), DEFAULT_INTAKE_LIMITS);
    const harness = await prepareHarness(task, profile, DEFAULT_INTAKE_LIMITS);
    const write = (instruction: Instruction) => coder.integrate({ task, profile, instruction, previous: [] });
    const instructions = await instructor.instructions(task, profile);
    const option1 = await write(instructions[0]!);
    const scripts: [string, string][] = [
      ['option 1', option1],
      ['option 2', await write(instructions[1]!)],
      ['option 3', await write(instructions[2]!)],
      ['vanilla', await write(vanillaInstruction(task, profile))],
      ['improve', await write(offlineImprovement(option1, instructions[0]!, task, profile).instruction)],
    ];
    for (const [script, code] of scripts) {
      const measured = await measureScript(sandbox, harness.runFiles, code);
      const black = spawnSync('black', ['--check', '--quiet', '--line-length', '120', '-'], { input: code });
      const pyflakes = spawnSync('/usr/bin/python3', ['-m', 'pyflakes'], { input: code });
      const row: ScriptRow = {
        task: entry.id,
        script,
        lines: measured.lines,
        executed: measured.executed,
        black: black.status === 0,
        pyflakes: pyflakes.status === 0,
        problem: measured.error ?? harness.checkHoldoutSubmission(measured.submission),
      };
      rows.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  }
  const executed = rows.flatMap((r) => (r.executed === null ? [] : [r.executed]));
  const lines = [
    '# The code we hand over',
    '',
    `Command: \`npm run bench:scripts${values.tasks ? ` -- --tasks ${values.tasks}` : ''}\`; ${new Date().toISOString()}.`,
    '',
    ...markdownTable(
      ['task', 'script', 'lines', 'executed %', 'black', 'pyflakes', 'problem'],
      rows.map((r) => [
        r.task,
        r.script,
        String(r.lines),
        r.executed === null ? '—' : r.executed.toFixed(1),
        r.black ? 'clean' : 'would reformat',
        r.pyflakes ? 'clean' : 'findings',
        r.problem ?? '',
      ]),
    ),
    '',
    `- ${rows.length} scripts: ${Math.min(...rows.map((r) => r.lines))} to ${Math.max(...rows.map((r) => r.lines))} lines; executed ${executed.length ? `${Math.min(...executed).toFixed(1)} % at the least` : '—'}; black-clean ${rows.filter((r) => r.black).length}, pyflakes-clean ${rows.filter((r) => r.pyflakes).length}.`,
  ];
  const out = resolve(values.out ?? join(HERE, 'results', 'scripts.md'));
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const bad = rows.filter(
    (r) => r.lines > 250 || (r.executed ?? 0) < 90 || !r.black || !r.pyflakes || r.problem,
  );
  return bad.length === 0 ? 0 : 1;
}

process.exitCode = await main();
