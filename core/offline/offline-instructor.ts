// The offline instructor: three ranked instructions from recipes chosen on the data profile, naming real columns.
import type { EngineCall, InstructorEngine } from '../engine.ts';
import { type DataProfile, type Instruction, STAGE_SECTIONS, STAGES, type TaskSpec } from '../types.ts';
import { columnList } from './column-roles.ts';
import { imageInstructions } from './image-template.ts';
import { modelName } from './model-settings.ts';
import { stageBlocks, templateInput } from './recipe-script.ts';
import { type RecipeRef, rankRecipes, recipeJson } from './recipes.ts';

function title(task: TaskSpec, profile: DataProfile, recipe: RecipeRef): string {
  const input = templateInput(task, profile, recipe);
  const names = input.models.map((m) => modelName(m, profile));
  const model = names.length > 1 ? `Blend of ${names.join(' and ')}` : (names[0] ?? recipe.id);
  const classification = profile.target.type === 'binary' || profile.target.type === 'multiclass';
  const kind =
    task.split.kind === 'group' && task.split.column
      ? 'group'
      : recipe.params.timeSeries
        ? 'time-ordered'
        : classification
          ? 'stratified'
          : '';
  const text = `${model} with ${kind ? `${kind} ` : ''}${input.folds}-fold CV on ${task.metric}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The instruction for one recipe: every step comes from the code block that implements it. */
export function instructionForRecipe(
  task: TaskSpec,
  profile: DataProfile,
  recipe: RecipeRef,
  rank: number,
  reason?: string,
): Instruction {
  const input = templateInput(task, profile, recipe);
  const instruction: Instruction = {
    rank,
    title: title(task, profile, recipe),
    dataPreprocessing: [],
    modelArchitecture: [],
    modelTraining: [],
    submission: [],
    recipe: recipeJson(recipe),
  };
  for (const stage of STAGES) {
    const steps = stageBlocks(stage, input)
      .map((b) => b.step)
      .filter((s): s is string => s !== null);
    instruction[STAGE_SECTIONS[stage]].push(...steps);
  }
  if (reason) instruction.modelArchitecture.push(`Why this model: ${reason}.`);
  const target = task.targets.length > 1 ? columnList(task.targets) : `\`${task.targets[0]}\``;
  instruction.modelTraining.push(
    `Optimise for ${task.metric} on ${target}; report the mean CV score in \`cv_score.json\`.`,
  );
  return instruction;
}

export class OfflineInstructor implements InstructorEngine {
  readonly kind = 'offline' as const;

  async instructions(task: TaskSpec, profile: DataProfile, _call?: EngineCall): Promise<Instruction[]> {
    if (task.dataType === 'image') return imageInstructions(task, profile);
    return rankRecipes(task, profile).map((ranked, i) =>
      instructionForRecipe(task, profile, ranked.recipe, i + 1, ranked.reason),
    );
  }
}
