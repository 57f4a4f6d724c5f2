// The target step on the suite's 16 real CSVs: each of the plain-words phrasings (which avoid the column's name) ranks
// the right column first, clearly, for a reason in words; and each kind of evidence on its own: forms of a name,
// synonyms and paraphrases, class values, the column's kind against the metric or the question, its place, the
// inputs the task lists, the file to predict for; unsure, a question with at most five ranked columns.
import { describe, expect, it } from 'vitest';
import { normalizeName, normalizeText } from '../../core/intake/column-names.ts';
import type { ColumnFact } from '../../core/intake/index.ts';
import { findMetricInText, metricWants } from '../../core/intake/infer-metric.ts';
import { inferTargets } from '../../core/intake/infer-target.ts';
import { MAX_TARGET_CHOICES, TargetQuestion } from '../../core/intake/intake-question.ts';
import { decideTargets, type RankOptions, rankTargets } from '../../core/intake/rank-targets.ts';
import type { MetricName } from '../../core/types.ts';
import { PLAIN_WORDS_TASKS } from '../helpers/plain-words-tasks.ts';
import { suiteData } from '../helpers/suite-facts.ts';

const options = (metric: MetricName | null, extra: Partial<RankOptions> = {}): RankOptions => ({
  metric,
  metricWants: metric ? metricWants(metric) : null,
  excluded: new Set(),
  ...extra,
});

function pick(text: string, facts: ColumnFact[], metric: MetricName | null = findMetricInText(text)) {
  const ranked = rankTargets(text, facts, options(metric));
  return { ranked, targets: decideTargets(ranked, facts, text, metric) };
}

const fact = (name: string, kind: ColumnFact['kind'], values: string[] = [], distinct = 500): ColumnFact => ({
  name,
  kind,
  distinct: values.length || distinct,
  values,
  integer: kind === 'boolean',
});

const bySuite = new Map<string, typeof PLAIN_WORDS_TASKS>();
for (const task of PLAIN_WORDS_TASKS.filter((t) => !t.heldOut)) {
  bySuite.set(task.suite, [...(bySuite.get(task.suite) ?? []), task]);
}

describe('the target step on the suite’s CSVs, in plain words', () => {
  it('has at least three phrasings for each of the 16 CSVs', () => {
    expect(bySuite.size).toBe(16);
    for (const phrasings of bySuite.values()) expect(phrasings.length).toBeGreaterThanOrEqual(3);
  });

  for (const [suite, phrasings] of bySuite) {
    it(`${suite}: every phrasing settles on ${phrasings[0]?.target.join(' and ')}, for a reason in words`, async () => {
      const { facts } = await suiteData(suite);
      for (const task of phrasings) {
        for (const target of task.target) {
          // The phrasings avoid the column's own name (as whole words: "average" may hold "age").
          expect(` ${normalizeText(task.text)} `).not.toContain(` ${normalizeName(target)} `);
        }
        const { ranked, targets } = pick(task.text, facts);
        expect(targets, task.text).toEqual(task.target);
        const top = ranked.find((c) => c.column === task.target[0]);
        expect(
          top?.signals.some((s) => s.kind === 'words' || s.kind === 'place'),
          task.text,
        ).toBe(true);
      }
    });
  }
});

describe('each kind of evidence', () => {
  it('forms of a name: “survival” is Survived, “progressed” is progression', async () => {
    const { facts } = await suiteData('titanic');
    const { ranked, targets } = pick('Model survival of the passengers.', facts);
    expect(targets).toEqual(['Survived']);
    expect(ranked[0]?.signals[0]?.says).toBe('“survival” is a form of its name');
    const diabetes = [fact('age', 'numeric'), fact('bmi', 'numeric'), fact('progression', 'numeric')];
    expect(pick('predict how far the disease progressed after a year', diabetes).targets).toEqual([
      'progression',
    ]);
  });

  it('synonyms and paraphrases: how old, worth, leave the bank, break down', async () => {
    expect(pick('How old is each crab?', (await suiteData('crab_age')).facts).targets).toEqual(['Age']);
    expect(pick('What is each home worth?', (await suiteData('paris_housing')).facts).targets).toEqual([
      'price',
    ]);
    expect(pick('Who will leave the bank?', (await suiteData('bank_churn')).facts).targets).toEqual([
      'Exited',
    ]);
    const machines = (await suiteData('machine_failure')).facts;
    const { ranked } = pick('Which machines will break down?', machines);
    expect(ranked[0]?.column).toBe('Machine failure');
    expect(ranked[0]?.signals.map((s) => s.says)).toContain('“break down” asks for a failure');
  });

  it('values: a task about spam finds the column whose values are spam and ham', async () => {
    const { ranked, targets } = pick('Which messages are spam?', (await suiteData('sms_spam')).facts);
    expect(targets).toEqual(['type']);
    expect(ranked[0]?.signals.map((s) => s.says)).toContain('the task mentions its value “spam”');
    // A value only counts as a whole word ("Without-pay" does not make a column about pay).
    const adult = (await suiteData('adult_income')).facts;
    expect(pick('Who earns more than 50K?', adult).targets).toEqual(['salary']);
  });

  it('the metric implies the kind: a classification metric wants a label column, a regression metric numbers', () => {
    const facts = [fact('score', 'numeric'), fact('passed', 'boolean', ['0', '1']), fact('hours', 'numeric')];
    expect(pick('predict the exam result; accuracy', facts).ranked[0]?.column).toBe('passed');
    expect(pick('predict the exam result; RMSE', facts).ranked.at(-1)?.column).toBe('passed');
    // The question's own words do the same without a metric.
    expect(pick('Will the student get through the exam?', facts).ranked[0]?.column).toBe('passed');
    expect(pick('How much will the student get?', facts).ranked.at(-1)?.column).toBe('passed');
  });

  it('a generic label name and the last place settle an otherwise silent yes/no question', async () => {
    const { ranked, targets } = pick(
      'Catch the scams among these card transactions.',
      (await suiteData('card_fraud')).facts,
    );
    expect(targets).toEqual(['Class']);
    expect(ranked[0]?.signals.map((s) => s.says)).toEqual(
      expect.arrayContaining(['its name marks a label', 'it is the last column']),
    );
  });

  it('columns the task lists as inputs are not the target; the one left out is', async () => {
    const { facts } = await suiteData('heat_flux');
    const text =
      'Given the author, geometry, pressure, mass flux, length and CHF of a run, estimate the result.';
    const { ranked } = pick(text, facts);
    const place = (column: string) => ranked.findIndex((c) => c.column === column);
    expect(ranked.find((c) => c.column === 'pressure [MPa]')?.signals.map((s) => s.says)).toContain(
      'the task lists it as an input',
    );
    expect(ranked.find((c) => c.column === 'x_e_out [-]')?.signals.map((s) => s.says)).toContain(
      'the task lists the other columns as inputs',
    );
    for (const input of ['pressure [MPa]', 'mass_flux [kg/m2-s]', 'length [mm]', 'chf_exp [MW/m2]']) {
      expect(place('x_e_out [-]')).toBeLessThan(place(input));
    }
  });

  it('the column the file to predict for lacks is the target', async () => {
    const { facts } = await suiteData('titanic');
    const ranked = rankTargets('Here is the data.', facts, {
      ...options(null),
      missingFromTest: { columns: ['Survived'], file: 'test.csv' },
    });
    expect(ranked[0]?.column).toBe('Survived');
    expect(ranked[0]?.signals[0]?.says).toBe('it is the column missing from test.csv');
  });

  it('several quantities asked for together are several targets, in the file’s order', async () => {
    const { facts } = await suiteData('student_summaries');
    expect(
      pick('Predict both scores: how well it is written and the main ideas it covers.', facts).targets,
    ).toEqual(['content', 'wording']);
  });

  it('the rows’ unit is not the target: “each hour” is not the hour column', async () => {
    const { facts } = await suiteData('air_quality');
    expect(pick('How polluted will the air be each hour?', facts).targets).toEqual(['pm2.5']);
  });
});

describe('asking when unsure', () => {
  it('asks with at most five ranked columns, each with its reason, and the metrics that fit', async () => {
    const { table, facts, task } = await suiteData('titanic');
    let question: unknown;
    try {
      inferTargets({
        text: 'Here is the passenger list.',
        table,
        facts,
        trainFile: task.file,
        unlabelled: { testFile: null, testTable: null, extraFiles: [] },
        metric: null,
      });
    } catch (error) {
      question = error;
    }
    expect(question).toBeInstanceOf(TargetQuestion);
    const q = question as TargetQuestion;
    expect(q.code).toBe('no_target');
    expect(q.choices.length).toBeLessThanOrEqual(MAX_TARGET_CHOICES);
    expect(q.choices.map((c) => c.column)).toContain('Survived');
    expect(q.metrics.length).toBeGreaterThan(1);
    expect(q.userMessage).toContain('Which column should I predict?');
    expect(q.userMessage).toContain('Columns in train.csv: PassengerId, Survived');
  });

  it('a stated target wins and still offers the likely ones to change to', async () => {
    const { table, facts, task } = await suiteData('crab_age');
    const step = inferTargets({
      text: 'how old is each crab?',
      table,
      facts,
      trainFile: task.file,
      named: { value: 'Shell Weight', said: 'your reply “target: Shell Weight”' },
      unlabelled: { testFile: null, testTable: null, extraFiles: [] },
      metric: null,
    });
    expect(step.value).toEqual(['ShellWeight']);
    expect(step.said).toBe('your reply “target: Shell Weight”');
    expect(step.choices[0]?.column).toBe('Age');
  });
});
