// `linguacodus intake`: what the intake understood of a task (the spec `solve` and the chat bot plan from) and why,
// as text for people or one JSON object for scripts; exits 2 with the question when it cannot tell the target.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { asLinguacodusError, LinguacodusError } from '../errors.ts';
import { METRICS } from '../harness/index.ts';
import { intakeTask, TargetQuestion } from '../intake/index.ts';
import type { IntakeLimits, TaskSpec } from '../types.ts';

export interface IntakeEnv {
  limits: IntakeLimits;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
}

export const INTAKE_USAGE =
  'usage: linguacodus intake --data TRAIN.csv [--test TEST.csv] [--task "text"] [--metric M] [--target COL] [--id COL] [--json]';

/** Exit codes: 0 understood, 2 a question (the target could not be told), 1 anything else. */
export const INTAKE_EXIT = { understood: 0, failed: 1, question: 2 } as const;

function parse(argv: string[]) {
  const args = argv[0] === 'intake' ? argv.slice(1) : argv;
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        test: { type: 'string' },
        task: { type: 'string' },
        metric: { type: 'string' },
        target: { type: 'string' },
        id: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (!values.data) throw new Error('--data TRAIN.csv is required');
    return { ...values, data: values.data, json: values.json ?? false };
  } catch (error) {
    throw new LinguacodusError('bad_input', `${(error as Error).message}. ${INTAKE_USAGE}`, { cause: error });
  }
}

/** The spec in snake_case, with the metric's direction and every field's reason. */
export function intakeJson(spec: TaskSpec, rows: number) {
  const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return {
    target: spec.targets,
    id_column: spec.idColumn,
    id_added: spec.idAdded,
    data_type: spec.dataType,
    metric: spec.metric,
    higher_is_better: METRICS[spec.metric].higherIsBetter,
    split: {
      kind: spec.split.kind,
      test_fraction: spec.split.testFraction,
      column: spec.split.column ?? null,
      seed: spec.split.seed,
    },
    test_file: spec.testFile,
    drop: spec.drop,
    rows,
    reasons: Object.fromEntries(Object.entries(spec.reasons).map(([k, v]) => [snake(k), v])),
  };
}

function textReport(spec: TaskSpec, rows: number): string {
  const why = (field: string) => (spec.reasons[field] ? `\n    ${spec.reasons[field]}` : '');
  const metric = METRICS[spec.metric];
  const split = spec.split;
  const lines = [
    `target:    ${spec.targets.join(', ')}${why('target')}`,
    `id column: ${spec.idColumn}${spec.idAdded ? ' (added: the rows are numbered)' : ''}${why('idColumn')}`,
    `data type: ${spec.dataType}${why('dataType')}`,
    `metric:    ${spec.metric} (${metric.higherIsBetter ? 'higher' : 'lower'} is better)${why('metric')}`,
    `split:     ${split.kind}${split.column ? ` by ${split.column}` : ''}, ${Math.round(split.testFraction * 100)}% held out, seed ${split.seed}${why('split')}`,
    `rows:      ${rows}${why('features')}`,
  ];
  if (spec.testFile) lines.push(`test file: ${spec.testFile}${why('testFile')}`);
  if (spec.drop.length > 0) lines.push(`dropped:   ${spec.drop.join(', ')}${why('drop')}`);
  return `${lines.join('\n')}\n`;
}

/** The question as `intake` and `solve` print it: the ranked candidates in text, or one JSON object. */
export function questionText(question: TargetQuestion, json: boolean): string {
  if (json) return `${JSON.stringify(questionJson(question))}\n`;
  const ranked = question.choices.map((c, i) => `  ${i + 1}. ${c.column}${c.reason ? ` (${c.reason})` : ''}`);
  return `Which column should I predict? Likely:\n${ranked.join('\n')}\nRun again with --target COL (or "target: COL" in --task).\n`;
}

function questionJson(question: TargetQuestion) {
  return {
    question: question.userMessage,
    candidates: question.choices.map((c) => ({ column: c.column, reason: c.reason })),
    metrics: question.metrics,
    columns: question.facts.map((f) => f.name),
  };
}

/** Runs `intake`; returns the exit code (INTAKE_EXIT). */
export async function runIntakeCli(argv: string[], env: IntakeEnv): Promise<number> {
  const stdout = env.stdout ?? process.stdout;
  const stderr = env.stderr ?? process.stderr;
  let json = argv.includes('--json');
  try {
    const args = parse(argv);
    json = args.json;
    const { spec, profile } = await intakeTask(
      {
        text: args.task ?? '',
        files: [resolve(args.data)],
        overrides: {
          metric: args.metric,
          target: args.target,
          idColumn: args.id,
          testFile: args.test ? resolve(args.test) : undefined,
        },
      },
      env.limits,
    );
    stdout.write(
      json ? `${JSON.stringify(intakeJson(spec, profile.rows))}\n` : textReport(spec, profile.rows),
    );
    return INTAKE_EXIT.understood;
  } catch (error) {
    if (error instanceof TargetQuestion) {
      stdout.write(questionText(error, json));
      return INTAKE_EXIT.question;
    }
    const failure = asLinguacodusError(error);
    stderr.write(`linguacodus intake: ${failure.userMessage.replace(/\s*\n\s*/g, ' ')}\n`);
    return INTAKE_EXIT.failed;
  }
}
