// Reading the resolver's free-form answer: its choice in the many ways models word it, the improved
// instruction without the closing remarks, and the fallbacks (said in words) when either is missing.
import { describe, expect, it } from 'vitest';
import { findChosenOption, parseResolverAnswer } from '../../core/llm/resolver-answer.ts';
import { instructionOptions } from '../helpers/instruction-fixture.ts';

const MODELS = ['LightGBM regressor', 'Random forest regressor', 'Ridge regression'];
const options = instructionOptions(MODELS);

const IMPROVED = `### Random forest with log target

#### Data Preprocessing:
- Log-transform the target.
- Fill missing values with the median.

#### Model Architecture:
- RandomForestRegressor with 400 trees.

#### Model Training:
- 5-fold CV on RMSE; tune max_depth.

#### Submission:
- Invert the log and write submission.csv.`;

describe('parseResolverAnswer', () => {
  it('keeps the improved instruction when a closing sentence mentions "improved instruction" again', () => {
    const answer = `Step 1: the researcher thought the second instruction was best: the forest handles the skew.

Step 2: improve it with a log target and more trees.

**Improved instruction:**

${IMPROVED}

This improved instruction addresses the flaws identified by the researcher.`;
    const decision = parseResolverAnswer(answer, options);
    expect(decision.chose).toBe(2);
    expect(decision.instruction.title).toBe('Random forest with log target');
    expect(decision.instruction.dataPreprocessing).toEqual([
      'Log-transform the target.',
      'Fill missing values with the median.',
    ]);
    expect(decision.instruction.submission).toEqual(['Invert the log and write submission.csv.']);
    expect(JSON.stringify(decision.instruction)).not.toContain('addresses the flaws');
    expect(decision.findings).toEqual([]);
  });

  it('uses the chosen option unimproved, and says so, when the "instruction" is one sentence', () => {
    const decision = parseResolverAnswer(
      'Chosen option: 3\n\nThe final instruction: use option 3 with more regularisation.',
      options,
    );
    expect(decision.chose).toBe(3);
    expect(decision.instruction).toEqual({ ...options[2], rank: 0 });
    expect(decision.findings).toEqual([
      {
        action: 'fallback',
        reason:
          'the resolver printed no real improved instruction (no instruction sections could be found); option 3 is used as it stands',
      },
    ]);
  });

  it("falls back to the critique's preference, then the evidence's, then rank 1, and says which", () => {
    const vague = `Both approaches have merit.\n\n${IMPROVED}`;
    const fromCritique = parseResolverAnswer(vague, options, {
      critique: 'On balance the third option is the best.',
    });
    expect(fromCritique.chose).toBe(3);
    expect(fromCritique.findings[0]?.reason).toBe(
      `the resolver named no option (it opened "Both approaches have merit."); the researcher's critique prefers option 3`,
    );
    const fromEvidence = parseResolverAnswer(vague, options, {
      critique: 'Each option has flaws.',
      evidence: [
        { rank: 1, title: 'a', cvScore: 0.7, seconds: 3 },
        { rank: 2, title: 'b', cvScore: 0.5, seconds: 3 },
        { rank: 3, title: 'c', cvScore: null, seconds: 3, error: 'KeyError' },
      ],
      higherIsBetter: false,
    });
    expect(fromEvidence.chose).toBe(2);
    expect(fromEvidence.findings[0]?.reason).toContain(
      'the quick cross-validation evidence prefers option 2',
    );
    const none = parseResolverAnswer(vague, options);
    expect(none.chose).toBe(1);
    expect(none.findings[0]?.reason).toContain(
      'neither the critique nor the evidence prefers one, so the first place is taken',
    );
    // The improved instruction is still used: only the choice was unreadable.
    expect(none.instruction.title).toBe('Random forest with log target');
  });
});

describe('findChosenOption', () => {
  it.each([
    ['Chosen option: 2', 2],
    ['**Chosen option:** Instruction option 2', 2],
    ['Chosen option: the second instruction', 2],
    ['best: 2.', 2],
    ['Best option - 3', 3],
    ['The best option is: Option 3.', 3],
    ['2.', 2],
    ['**2**', 2],
    ['Option 2', 2],
    ['Instruction #2', 2],
    ['The researcher thought the second instruction was the strongest.', 2],
    ['I would go with instruction #3 because it tunes the model.', 3],
    ['Option two is preferable.', 2],
    ['Option 1 is not good; the best is option 3.', 3],
    ['Compared with option 1, option 2 is better.', 2],
    ['The first option is the least robust, but the third option is the most promising.', 3],
  ])('reads %j as option %i', (text, expected) => {
    expect(findChosenOption(text)).toBe(expected);
  });

  it('finds nothing where no option is named, or only numbers that are not options', () => {
    expect(findChosenOption('All three are reasonable.')).toBeNull();
    expect(findChosenOption('The best is 3 folds of cross-validation.')).toBeNull();
    expect(findChosenOption('Option 1 is not the best choice.')).toBeNull();
  });
});
