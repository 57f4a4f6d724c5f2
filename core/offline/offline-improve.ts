// The offline engine's improvement step (Improve without a coder model): a defined ladder from the recipe a run's
// script was written from. 1. A single model gets a complementary model family blended in (0.7 / 0.3): ensembles of
// different families rarely lose to either alone. 2. A two-model blend gets the third family (0.5 / 0.3 / 0.2).
// 3. After that, tuning: half the boosting learning rate with twice the rounds (early stopping keeps what helps) and
// twice the forest's trees. The blends' weights are fitted on the parts' out-of-fold predictions in the script (the
// 0.7 / 0.3 and 0.5 / 0.3 / 0.2 starting weights only name the order). Each step says what it changed in one line.
import type { DataProfile, Instruction, TaskSpec } from '../types.ts';
import { modelName, modelSettings } from './model-settings.ts';
import { recipeOfScript } from './offline-coder.ts';
import { instructionForRecipe } from './offline-instructor.ts';
import { parseRecipe, type RecipeId, type RecipeRef, rankRecipes, recipeFromInstruction } from './recipes.ts';
import { VANILLA_RECIPE_ID } from './vanilla-template.ts';

export interface OfflineImprovement {
  recipe: RecipeRef;
  instruction: Instruction;
  /** The change, in one line. */
  change: string;
}

const MIN_LEARNING_RATE = 0.005;

function single(recipe: RecipeRef): RecipeRef[] {
  return recipe.id === 'blend' ? (recipe.params.parts ?? []) : [recipe];
}

/** The recipe families the engine ranks for this task, best first, not yet among `used`. */
function otherFamilies(task: TaskSpec, profile: DataProfile, used: RecipeId[]): RecipeRef[] {
  return rankRecipes(task, profile)
    .map((r) => r.recipe)
    .filter((r) => !used.includes(r.id));
}

function names(parts: RecipeRef[], profile: DataProfile): string[] {
  return parts.map((p) => modelName(modelSettings(p, profile)[0]!, profile));
}

/** The next step of the ladder from a parent script (its recipe marker) or, without one, its instruction. */
export function offlineImprovement(
  code: string,
  parentInstruction: Instruction,
  task: TaskSpec,
  profile: DataProfile,
): OfflineImprovement {
  const fromScript = recipeOfScript(code);
  const make = (recipe: RecipeRef, change: string): OfflineImprovement => ({
    recipe,
    instruction: {
      ...instructionForRecipe(task, profile, recipe, 0),
      title: `${instructionForRecipe(task, profile, recipe, 0).title} (improved)`,
    },
    change,
  });
  if (!fromScript && parentInstruction.recipe?.id === VANILLA_RECIPE_ID) {
    const best = rankRecipes(task, profile)[0]!.recipe;
    return make(
      best,
      `model: the engine's ${names([best], profile)[0]} with its features instead of scikit-learn's defaults`,
    );
  }
  const parent = fromScript ?? recipeFromInstruction(parentInstruction, task, profile);
  const parts = single(parent);
  const used = parts.map((p) => p.id);
  const others = otherFamilies(task, profile, used);
  if (parts.length === 1 && others[0]) {
    const added = others[0];
    const recipe = parseRecipe({
      id: 'blend',
      params: { ...parent.params, parts: [parent, added], weights: [0.7, 0.3], fitWeights: true },
    });
    const [a, b] = names([parent, added], profile);
    return make(
      recipe,
      `model: blend the ${a} with a ${b}, a second model family, weights fitted on the out-of-fold predictions`,
    );
  }
  if (parts.length === 2 && others[0]) {
    const added = others[0];
    const all = [...parts, added];
    const recipe = parseRecipe({
      id: 'blend',
      params: { ...parent.params, parts: all, weights: [0.5, 0.3, 0.2], fitWeights: true },
    });
    return make(
      recipe,
      `model: add a ${names([added], profile)[0]} as a third model family, weights fitted on the out-of-fold predictions`,
    );
  }
  // Tuning: slower boosting with more rounds, a larger forest.
  const tuned = parts.map((p): RecipeRef => {
    const settings = modelSettings(p, profile)[0]!;
    if (p.id === 'gbdt') {
      return {
        id: p.id,
        params: {
          ...p.params,
          learningRate: Math.max(MIN_LEARNING_RATE, settings.learningRate / 2),
          nEstimators: settings.nEstimators * 2,
        },
      };
    }
    if (p.id === 'random-forest')
      return { id: p.id, params: { ...p.params, nEstimators: settings.nEstimators * 2 } };
    return p;
  });
  const recipe =
    parent.id === 'blend'
      ? parseRecipe({ id: 'blend', params: { ...parent.params, parts: tuned } })
      : tuned[0]!;
  return make(
    recipe,
    'tuning: half the boosting learning rate with twice the rounds (early stopping keeps what helps), twice the forest trees',
  );
}
