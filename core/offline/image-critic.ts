// The offline researcher and resolver for image options: what each option risks on these pictures, then the best
// option by the quick cross-validation, improved by training it longer (the CNN, boosting) or kept as it is.
import type { CriticInput, ResolverDecision } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import { METRICS } from '../harness/index.ts';
import type { DataProfile, Instruction, TaskSpec } from '../types.ts';
import { type ImageRecipe, imageInstruction, imageRecipe, imageRecipeOf } from './image-template.ts';

const fmt = (value: number) => Number(value.toPrecision(4)).toString();

function risks(recipe: ImageRecipe | null, count: number): string[] {
  if (recipe === null) return ['Not one of the image recipes: its code is written as the instruction says.'];
  switch (recipe.id) {
    case 'image-cnn':
      return [
        `Trained from scratch on ${count.toLocaleString('en')} pictures: with few pictures per class it may overfit despite augmentation.`,
        `Costs the most CPU time (${recipe.params.epochs} epochs × ${recipe.params.folds} folds on ${recipe.params.side}×${recipe.params.side} pixels).`,
      ];
    case 'image-hog':
      return [
        'HOG sees edges and shapes but not texture or fine colour; pictures that differ by those are confused.',
      ];
    case 'image-pca':
      return [
        'A linear model on pixels: a shifted or turned object looks like another picture to it (the reference to beat).',
      ];
  }
}

const evidenceLine = (input: CriticInput, rank: number) => {
  const e = input.evidence.find((x) => x.rank === rank);
  return e?.cvScore === null || e?.cvScore === undefined
    ? 'no quick CV score'
    : `quick CV ${input.task.metric} ${fmt(e.cvScore)}`;
};

export function imageCritique(input: CriticInput): string {
  const count = input.profile.images?.count ?? input.profile.rows;
  return input.instructions
    .map((instruction) => {
      const lines = [
        ...risks(imageRecipeOf(instruction), count),
        `Evidence: ${evidenceLine(input, instruction.rank)}.`,
      ];
      return `**Option ${instruction.rank}: ${instruction.title}**\n${lines.map((l) => `- ${l}`).join('\n')}`;
    })
    .join('\n\n');
}

/** The option with the best quick CV (else the first), trained longer when it learns by rounds. */
export function imageResolve(input: CriticInput): ResolverDecision {
  const { task, profile, instructions, evidence } = input;
  const higher = METRICS[task.metric].higherIsBetter;
  const scored = evidence
    .filter((e) => e.cvScore !== null && instructions.some((i) => i.rank === e.rank))
    .sort((a, b) => (higher ? b.cvScore! - a.cvScore! : a.cvScore! - b.cvScore!));
  const chosen: Instruction | undefined = scored[0]
    ? instructions.find((i) => i.rank === scored[0]!.rank)
    : instructions[0];
  if (!chosen)
    throw new LinguacodusError('internal', 'The resolver was given no instructions to choose from.');
  const recipe = imageRecipeOf(chosen);
  const why = scored[0]
    ? `Option ${chosen.rank} has the best quick CV ${task.metric}: ${scored.map((e) => `option ${e.rank} ${fmt(e.cvScore!)}`).join(', ')}.`
    : `No option produced a cross-validation score, so option ${chosen.rank} is kept.`;
  if (recipe === null) return { chose: chosen.rank, instruction: { ...chosen, rank: 0 }, rationale: why };
  const { params } = recipe;
  const longer: ImageRecipe =
    recipe.id === 'image-cnn'
      ? { id: recipe.id, params: { ...params, epochs: Math.min(100, Math.ceil(params.epochs * 1.5)) } }
      : recipe.id === 'image-hog'
        ? { id: recipe.id, params: { ...params, trees: Math.min(2000, params.trees * 2) } }
        : recipe;
  const change =
    recipe.id === 'image-cnn'
      ? `train for ${longer.params.epochs} epochs instead of ${params.epochs}`
      : recipe.id === 'image-hog'
        ? `${longer.params.trees} boosting rounds instead of ${params.trees}`
        : 'keep it as it is (the reference has nothing to tune)';
  const instruction = imageInstruction(task, profile, longer, 0, 'the best option by the quick check');
  instruction.title = `Improved option ${chosen.rank}: ${instruction.title}`;
  const rationale = `${why} Improvement: ${change}.`;
  instruction.modelTraining.push(`Resolver's evidence: ${rationale}`);
  return { chose: chosen.rank, instruction, rationale };
}

/** Improve on an image run: the CNN trained half as long again, more boosting rounds, or the CNN after the others. */
export function imageImprovement(
  parentInstruction: Instruction,
  task: TaskSpec,
  profile: DataProfile,
  parent: ImageRecipe | null,
): { instruction: Instruction; change: string } {
  const current = parent ?? imageRecipeOf(parentInstruction) ?? imageRecipe('image-pca', profile);
  const { params } = current;
  const next: { recipe: ImageRecipe; change: string } =
    current.id === 'image-cnn'
      ? {
          recipe: {
            id: 'image-cnn',
            params: { ...params, epochs: Math.min(100, Math.ceil(params.epochs * 1.5)) },
          },
          change: `train the CNN for ${Math.min(100, Math.ceil(params.epochs * 1.5))} epochs instead of ${params.epochs}`,
        }
      : current.id === 'image-hog'
        ? {
            recipe: { id: 'image-hog', params: { ...params, trees: Math.min(2000, params.trees * 2) } },
            change: `${Math.min(2000, params.trees * 2)} boosting rounds instead of ${params.trees}`,
          }
        : {
            recipe: imageRecipe('image-cnn', profile),
            change: 'model: a small CNN learning from the pixels instead of PCA and a linear model',
          };
  const instruction = imageInstruction(task, profile, next.recipe, 0, next.change);
  return { instruction: { ...instruction, title: `${instruction.title} (improved)` }, change: next.change };
}
