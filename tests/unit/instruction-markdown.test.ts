// Rendering and tolerant parsing of instructions: the paper's own tables, realistic model answers and the released data.

import { describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import { classifyHeading, parseInstruction, renderInstruction } from '../../core/instruction-markdown.ts';
import { columnValues, DEFAULT_INTAKE_LIMITS, readCsv } from '../../core/intake/index.ts';
import { type Instruction, SECTION_KEYS } from '../../core/types.ts';
import { PAPER_RECORDS } from '../helpers/datasets.ts';

const DATA = PAPER_RECORDS;

function filled(i: Instruction): number {
  return SECTION_KEYS.filter((k) => i[k].length > 0).length;
}

const sample: Instruction = {
  rank: 1,
  title: 'LightGBM with 5-fold CV',
  dataPreprocessing: [
    'Read train.csv and test.csv with pandas.',
    'Fill missing numeric values with the median.',
  ],
  modelArchitecture: ['Use a LightGBM regressor with 500 trees and learning rate 0.05.'],
  modelTraining: ['Train with 5-fold KFold and early stopping on RMSE.', 'Average the fold models.'],
  submission: ['Predict the test rows and write submission.csv with id and target.'],
  recipe: null,
};

describe('renderInstruction', () => {
  it('writes the paper markdown form: a title, #### section headings and "- " bullets', () => {
    const text = renderInstruction(sample);
    expect(text).toContain('### LightGBM with 5-fold CV');
    expect(text).toContain('#### Data Preprocessing:\n\n- Read train.csv and test.csv with pandas.');
    expect(text).toContain('#### Model Architecture:\n\n- Use a LightGBM regressor');
    expect(text).toContain('#### Model Training:\n\n- Train with 5-fold KFold');
    expect(text).toContain('#### Submission:\n\n- Predict the test rows');
    expect(text.indexOf('Data Preprocessing')).toBeLessThan(text.indexOf('Model Architecture'));
  });

  it('round-trips through parseInstruction', () => {
    expect(parseInstruction(renderInstruction(sample), 1)).toEqual(sample);
    const sparse: Instruction = { ...sample, rank: 0, submission: [], modelTraining: ['Fit on all rows.'] };
    expect(parseInstruction(renderInstruction(sparse), 0)).toEqual(sparse);
  });

  it('keeps multi-line steps on one line so that they survive a round trip', () => {
    const wrapped: Instruction = { ...sample, modelTraining: ['Train with\n5 folds.'] };
    expect(parseInstruction(renderInstruction(wrapped), 1).modelTraining).toEqual(['Train with 5 folds.']);
  });
});

describe('parseInstruction on realistic model answers', () => {
  it('reads bold headings with a preamble and a closing remark (chat model style)', () => {
    const text = `Sure! Here is the 1st place instruction for this task.

**Data Preprocessing:**
* Load \`train.csv\` and \`test.csv\`.
* Encode the categorical columns with one-hot encoding.

**Model Architecture:**
* An XGBoost classifier with max_depth 6.

**Model Training:**
* 5-fold stratified cross-validation, early stopping after 50 rounds.

**Submission:**
* Predict probabilities for the test set and save submission.csv.

I hope this helps! Let me know if you need anything else.`;
    const i = parseInstruction(text, 1);
    expect(i.rank).toBe(1);
    expect(i.dataPreprocessing).toEqual([
      'Load `train.csv` and `test.csv`.',
      'Encode the categorical columns with one-hot encoding.',
    ]);
    expect(i.modelArchitecture).toEqual(['An XGBoost classifier with max_depth 6.']);
    expect(i.modelTraining).toEqual(['5-fold stratified cross-validation, early stopping after 50 rounds.']);
    expect(i.submission).toEqual(['Predict probabilities for the test set and save submission.csv.']);
    expect(i.title).toBe('XGBoost');
  });

  it('reads numbered sections with nested bullets and synonyms (Evaluation, Prediction)', () => {
    const text = `From the code, we can gather the following information:

1. Data Preprocessing:
   - The training data is read with \`pd.read_csv()\`.
   - Missing values are filled with 0.

2. Model Architecture:
   - A RandomForestRegressor with 300 trees.

3. Model Training/Evaluation:
   - The model is fit on 80% of the rows.
     - The remaining 20% are used for validation.

4. Prediction:
   - Predictions are saved to 'submission.csv'.

Overall, the code performs a simple random forest regression.`;
    const i = parseInstruction(text, 2);
    expect(i.dataPreprocessing).toHaveLength(2);
    expect(i.modelArchitecture).toEqual(['A RandomForestRegressor with 300 trees.']);
    expect(i.modelTraining).toEqual([
      'The model is fit on 80% of the rows.',
      'The remaining 20% are used for validation.',
    ]);
    expect(i.submission).toEqual(["Predictions are saved to 'submission.csv'."]);
    expect(JSON.stringify(i)).not.toContain('Overall');
  });

  it('reads markdown headings of any level, plain "Label:" lines and synonyms', () => {
    const text = `# Gradient boosting plan

## Feature Engineering
- Add the month and weekday of \`date\`.

Model Selection:
- LightGBM.

### Hyperparameter Tuning
1. Tune num_leaves with 3-fold CV.
2) Keep the best setting.

Submission:
• Write the id and the prediction.`;
    const i = parseInstruction(text, 3);
    expect(i.title).toBe('Gradient boosting plan');
    expect(i.dataPreprocessing).toEqual(['Add the month and weekday of `date`.']);
    expect(i.modelArchitecture).toEqual(['LightGBM.']);
    expect(i.modelTraining).toEqual(['Tune num_leaves with 3-fold CV.', 'Keep the best setting.']);
    expect(i.submission).toEqual(['Write the id and the prediction.']);
  });

  it('splits the steps of a combined heading ("Model Selection and Training") by what each says', () => {
    const text = `#### Data Preprocessing:
- Scale the numeric columns.

#### Model Selection and Training:
- Use a LightGBM regressor with 500 trees.
- Train it with 5-fold cross-validation and early stopping.
- Predict the test set and save submission.csv.`;
    const i = parseInstruction(text, 1);
    expect(i.modelArchitecture).toEqual(['Use a LightGBM regressor with 500 trees.']);
    expect(i.modelTraining).toEqual(['Train it with 5-fold cross-validation and early stopping.']);
    expect(i.submission).toEqual(['Predict the test set and save submission.csv.']);
  });

  it('reads a heading with its text on the same line ("Model Training: Train ...")', () => {
    const text = `Data Preprocessing: Scale the numeric columns. Drop the id.
Model: A ridge regression.
Training: Fit with 5-fold CV. Tune alpha.
Submission: Save predictions to submission.csv.`;
    const i = parseInstruction(text, 1);
    expect(i.dataPreprocessing).toEqual(['Scale the numeric columns.', 'Drop the id.']);
    expect(i.modelArchitecture).toEqual(['A ridge regression.']);
    expect(i.modelTraining).toEqual(['Fit with 5-fold CV.', 'Tune alpha.']);
    expect(i.submission).toEqual(['Save predictions to submission.csv.']);
  });

  it('splits heading-less prose into sentences placed by keywords (Table B.2 style)', () => {
    const text = `As a data analyst, I would start by preprocessing the text data, removing stop words and converting the text to TF-IDF features. I would then build a logistic regression classifier on top of these features. I would train the model with 5-fold cross-validation and tune the regularisation strength. Finally, I would predict the test set and save the submission file.

Overall, I believe this approach will work well.`;
    const i = parseInstruction(text, 1);
    expect(i.dataPreprocessing).toHaveLength(1);
    expect(i.dataPreprocessing[0]).toContain('stop words');
    expect(i.modelArchitecture[0]).toContain('logistic regression classifier');
    expect(i.modelTraining[0]).toContain('5-fold cross-validation');
    expect(i.submission[0]).toContain('save the submission file');
    expect(JSON.stringify(i)).not.toContain('I believe');
  });

  it('reads the paper Table B.3 form, whose first heading was lost, and Table B.12 "- -" bullets', () => {
    const b3 = `- The training data is loaded from a CSV file using pandas.
- The test data is loaded from a CSV file using pandas.

#### Model Architecture:

- The model architecture used is a BERT-based model.

# Model Training:

- The model is trained using the TensorFlow TensorBoard API.
- The predictions are saved in a submission file for evaluation.`;
    const i = parseInstruction(b3, 1);
    expect(i.dataPreprocessing).toEqual([
      'The training data is loaded from a CSV file using pandas.',
      'The test data is loaded from a CSV file using pandas.',
    ]);
    expect(i.modelArchitecture).toEqual(['The model architecture used is a BERT-based model.']);
    expect(i.modelTraining).toHaveLength(2);

    const b12 = `- -Read the training and testing data from CSV files.

#### Model Architecture:

- -Define the model architecture using a suitable regression algorithm (e.g., Ridge Regression).

### Model Training:

- -Train the model using the training data.

#### Model Prediction:

- -Save the predicted values in a CSV file for submission.

Note: The code provided is just an example and may need to be modified based on the specific requirements of the task`;
    const j = parseInstruction(b12, 1);
    expect(j.dataPreprocessing).toEqual(['Read the training and testing data from CSV files.']);
    expect(j.modelTraining).toEqual(['Train the model using the training data.']);
    expect(j.submission).toEqual(['Save the predicted values in a CSV file for submission.']);
    expect(JSON.stringify(j)).not.toContain('Note:');
  });

  it('reads prose paragraphs under headings (Table B.11) and keeps wrapped bullet lines together', () => {
    const text = `As a data analyst, I would follow these steps to solve the regression problem:

#### Data Preprocessing:

Check for missing values and handle them appropriately. Scale the data using a standard scaler.

# Model Architecture:

Use a linear regression model with a single hidden layer.

### Model Training:

- Train the model using the training set and evaluate its
  performance on the testing set using the RMSE metric.`;
    const i = parseInstruction(text, 1);
    expect(i.dataPreprocessing).toEqual([
      'Check for missing values and handle them appropriately.',
      'Scale the data using a standard scaler.',
    ]);
    expect(i.modelArchitecture).toEqual(['Use a linear regression model with a single hidden layer.']);
    expect(i.modelTraining).toEqual([
      'Train the model using the training set and evaluate its performance on the testing set using the RMSE metric.',
    ]);
  });

  it('reads the Llama 2 completion that follows [/INST] and drops </s>', () => {
    const text = `<s>[INST] Imagine that you are a data analyst. ... [/INST]
Data preprocessing:
- Images are resized to 64x64.

Model architecture:
- A small CNN.</s>`;
    const i = parseInstruction(text, 1);
    expect(i.dataPreprocessing).toEqual(['Images are resized to 64x64.']);
    expect(i.modelArchitecture).toEqual(['A small CNN.']);
  });

  it('takes a heading that names a model as the title, not as a section', () => {
    const text = `Sure! Here is the first place instruction.

### Random forest regressor

#### Data Preprocessing:
- Fill missing values.

#### Model Architecture:
- A RandomForestRegressor with 300 trees.`;
    const i = parseInstruction(text, 1);
    expect(i.title).toBe('Random forest regressor');
    expect(i.dataPreprocessing).toEqual(['Fill missing values.']);
    expect(parseInstruction(text.replace('Random forest regressor', 'Neural network'), 1).title).toBe(
      'Neural network',
    );
  });

  it('takes a title from "Improved instruction:" style headings without the prefix', () => {
    const text = `### Improved Instruction: CatBoost with target encoding

#### Data Preprocessing:
- Keep categorical columns as strings.

#### Model Architecture:
- CatBoostClassifier.`;
    expect(parseInstruction(text, 0).title).toBe('CatBoost with target encoding');
  });

  it('fails with llm_bad_output only when no step can be found', () => {
    for (const text of ['', '   \n\n', '<s></s>']) {
      const attempt = () => parseInstruction(text, 2);
      expect(attempt).toThrow(LinguacodusError);
      try {
        attempt();
      } catch (error) {
        expect((error as LinguacodusError).code).toBe('llm_bad_output');
        expect((error as LinguacodusError).message).toContain('instruction 2');
      }
    }
    expect(parseInstruction('Use a random forest.', 1).modelArchitecture).toEqual(['Use a random forest.']);
  });
});

describe('classifyHeading', () => {
  it('maps the synonyms real answers use onto the four sections', () => {
    const cases: [string, string | null][] = [
      ['Data Preprocessing', 'dataPreprocessing'],
      ['Preprocessing', 'dataPreprocessing'],
      ['Feature Engineering', 'dataPreprocessing'],
      ['Data Augmentation', 'dataPreprocessing'],
      ['Model', 'modelArchitecture'],
      ['Model Selection', 'modelArchitecture'],
      ['Model Architecture', 'modelArchitecture'],
      ['Model Selection and Training', 'modelArchitecture'],
      ['Training', 'modelTraining'],
      ['Model Training and Hyperparameter Tuning', 'modelTraining'],
      ['Evaluation', 'modelTraining'],
      ['Hyperparameter Tuning', 'modelTraining'],
      ['Model Evaluation', 'modelTraining'],
      ['Prediction', 'submission'],
      ['Model Prediction', 'submission'],
      ['Model Testing and Prediction', 'submission'],
      ['Submission', 'submission'],
      ['Other Information', 'other'],
      ['Improved instruction', null],
    ];
    for (const [label, key] of cases) expect([label, classifyHeading(label)]).toEqual([label, key]);
  });
});

describe('parseInstruction on the released fine-tuning data', () => {
  it('finds at least two sections in at least 95% of the 1,330 real instructions', async () => {
    const table = await readCsv(DATA, DEFAULT_INTAKE_LIMITS);
    const prompts = columnValues(table, 'prompt').map((p) => p ?? '');
    expect(prompts.length).toBe(1330);
    let good = 0;
    for (const prompt of prompts) {
      const instruction = parseInstruction(prompt, 1);
      if (filled(instruction) >= 2) good++;
      expect(instruction.title.length).toBeGreaterThan(0);
    }
    const rate = good / prompts.length;
    console.info(`instructions with >= 2 sections: ${good}/${prompts.length} (${(rate * 100).toFixed(1)}%)`);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  });
});
