// Three ranked instructions for tests of the critic and resolver: one per model name, the rest plain steps.
import type { Instruction } from '../../core/types.ts';

export function instructionOptions(models: string[]): Instruction[] {
  return models.map((model, i) => ({
    rank: i + 1,
    title: model,
    dataPreprocessing: ['Read the data.'],
    modelArchitecture: [`Use a ${model}.`],
    modelTraining: ['5-fold CV.'],
    submission: ['Write submission.csv.'],
    recipe: null,
  }));
}
