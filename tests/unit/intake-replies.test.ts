// What a task or a reply in its thread states, and how replies correct a task: `field: value` clauses, a column's
// name alone, new words naming a target or a metric; later replies win, each field keeps where it was said, and the
// rest of the task stands.
import { describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask, readReply } from '../../core/intake/index.ts';
import { statedInText } from '../../core/intake/stated-fields.ts';
import { suiteFile } from '../helpers/datasets.ts';
import { suiteData } from '../helpers/suite-facts.ts';

const CRAB = suiteFile('crab_age', 'CrabAgePrediction.csv');
const TITANIC = suiteFile('titanic', 'train.csv');

describe('stated fields', () => {
  it('reads target, metric, id, data type, split and drop clauses, and where each was said', () => {
    const stated = statedInText(
      'Predict things. target: Age; metric is mean absolute error. id: Row#, type: tabular. split: group by Sex, 30%. drop: Height and Weight',
      'the task',
    );
    expect(stated.target).toEqual({ value: 'Age', said: 'the task “target: Age”' });
    expect(stated.metric?.value).toBe('mean absolute error');
    expect(stated.idColumn?.value).toBe('Row#');
    expect(stated.dataType?.value).toBe('tabular');
    expect(stated.split?.value).toEqual({ kind: 'group', column: 'Sex', testFraction: 0.3 });
    expect(stated.drop?.value).toEqual(['Height', 'Weight']);
  });

  it('"type" is a data type only when it names one (it is also a column: sms_spam)', () => {
    expect(statedInText('type: spam', 'the task').dataType).toBeUndefined();
    expect(statedInText('type: time series', 'the task').dataType?.value).toBe('time series');
  });

  it('an impossible split is refused with what is possible', () => {
    expect(() => statedInText('split: sideways', 'your reply')).toThrow(
      /at random, stratified by class, by time or by group/,
    );
  });
});

describe('a reply in the thread', () => {
  it('a column’s name alone is the target', async () => {
    const { facts } = await suiteData('titanic');
    expect(readReply('Survived', facts).target).toEqual({ value: 'Survived', said: 'your reply “Survived”' });
    expect(readReply('it’s `survived`.', facts).target?.value).toBe('Survived');
    expect(readReply('the Embarked column', facts).target?.value).toBe('Embarked');
  });

  it('new words name a target or a metric; words that name nothing state nothing', async () => {
    const { facts } = await suiteData('crab_age');
    expect(readReply('no, I want to know how old they are', facts).target?.value).toBe('Age');
    expect(readReply('use the mean absolute error instead', facts)).toEqual({
      metric: { value: 'mae', said: 'your reply “use the mean absolute error instead”' },
    });
    expect(readReply('thanks, looks good', facts)).toEqual({});
  });

  it('a metric the harness cannot score is refused', async () => {
    const { facts } = await suiteData('crab_age');
    expect(() => readReply('judge it by quadratic weighted kappa', facts)).toThrow(LinguacodusError);
  });
});

describe('corrections merged into the task', () => {
  const intake = (text: string, file: string, notes: string[]) =>
    intakeTask({ text, files: [file], notes }, DEFAULT_INTAKE_LIMITS);

  it('a target correction keeps the metric the task asked for (the crab of issue 11)', async () => {
    const { spec } = await intake('Predict the crabs. Lower mean absolute error is better.', CRAB, [
      'target: Age',
    ]);
    expect(spec.targets).toEqual(['Age']);
    expect(spec.metric).toBe('mae');
    expect(spec.reasons.target).toBe('your reply “target: Age”');
    expect(spec.reasons.metric).toBe('The metric is MAE, as named in the task.');
  });

  it('a target said in passing counts only when it names a column', async () => {
    const passing = await intake('Our target is to predict how old the crabs are. MAE.', CRAB, []);
    expect(passing.spec.targets).toEqual(['Age']);
    expect(passing.spec.reasons.target).toContain('“how old” asks for an age');
    const named = await intake('The target is `Height`. MAE.', CRAB, []);
    expect(named.spec.targets).toEqual(['Height']);
    const { facts } = await suiteData('crab_age');
    expect(readReply('the target is what I said: how old they are', facts).target?.value).toBe('Age');
  });

  it('a bare column name answers; a later reply wins over an earlier one and over the text', async () => {
    const { spec } = await intake('Which passengers? We judge it on accuracy.', TITANIC, [
      'Embarked',
      'Survived',
      'metric: f1',
    ]);
    expect(spec.targets).toEqual(['Survived']);
    expect(spec.metric).toBe('f1');
    expect(spec.idColumn).toBe('PassengerId');
  });

  it('an id correction changes the id column and leaves the target and metric as they were', async () => {
    const text = 'Please predict survival for each passenger. Accuracy.';
    const first = await intake(text, TITANIC, []);
    const after = await intake(text, TITANIC, ['id: Name']);
    expect(first.spec.idColumn).toBe('PassengerId');
    expect(after.spec.idColumn).toBe('Name');
    expect(after.spec.targets).toEqual(first.spec.targets);
    expect(after.spec.metric).toBe('accuracy');
    expect(after.spec.reasons.idColumn).toBe('your reply “id: Name”');
  });
});
