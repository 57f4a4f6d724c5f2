// The offline engine's improvement step (Improve without a coder model): a defined ladder from the recipe a run's
// script was written from. 1. A single model gets a complementary model family blended in (0.7 / 0.3): ensembles of
// different families rarely lose to either alone. 2. A two-model blend gets the third family (0.5 / 0.3 / 0.2).
// 3. After that, tuning: half the boosting learning rate with twice the rounds (early stopping keeps what helps) and
// twice the forest's trees. The blends' weights are fitted on the parts' out-of-fold predictions in the script (the
// 0.7 / 0.3 and 0.5 / 0.3 / 0.2 starting weights only name the order). Each step says what it changed in one line.
// Given what the parent's run showed (issue 23), the step reads it before the ladder: a right-skewed, never negative
// regression target not yet modelled on the log scale gets log1p(target); folds whose scores spread widely (a sign of
// variance) get regularised models (shallower, slower boosting; a stronger ridge; more forest trees). The change line
// says what was seen. Without that evidence the ladder alone.
import type { DataProfile, Instruction, TaskSpec } from '../types.ts';
import { imageImprovement } from './image-critic.ts';
import { imageRecipeOfScript } from './image-template.ts';
import { modelName, modelSettings } from './model-settings.ts';
import { recipeOfScript } from './offline-coder.ts';
import { instructionForRecipe } from './offline-instructor.ts';
import { parseRecipe, type RecipeId, type RecipeRef, rankRecipes, recipeFromInstruction } from './recipes.ts';
import { VANILLA_RECIPE_ID } from './vanilla-template.ts';

/** What the parent's run showed on the training rows (its own folds); nothing from the held-out rows. */
export interface ParentEvidence {
  /** The scores of its cross-validation folds, in order (read from its output). */
  foldScores: number[];
  higherIsBetter: boolean;
}

/** Folds whose scores spread more than this share of their mean (an error metric) show variance. */
const SPREAD_SHARE = 0.08;
/** Bounded scores (AUC, accuracy, F1, R2) whose folds' standard deviation is over this show variance. */
const SPREAD_BOUNDED = 0.03;
const BOUNDED_METRICS = new Set(['roc-auc', 'accuracy', 'f1', 'f1-macro', 'f1-micro', 'r2']);
/** The skew above which a never-negative regression target is modelled on the log scale. */
const SKEW_FOR_LOG = 1;
const MIN_DEPTH = 3;

/** The fold scores a script printed ("fold 2 of 5: rmse = 0.123"), in order. */
export function foldScoresOf(stdout: string): number[] {
  const scores: number[] = [];
  for (const match of stdout.matchAll(/^fold (\d+) of \d+: [\w-]+ = (-?[\d.]+(?:e-?\d+)?)/gm)) {
    scores.push(Number(match[2]));
  }
  return scores.filter(Number.isFinite);
}

function spread(scores: number[]): { mean: number; std: number } {
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  return { mean, std };
}

const fmt = (x: number) => Number(x.toPrecision(3));

export interface OfflineImprovement {
  /** The tabular recipe; an image step's recipe is in its instruction, and this is the linear family's. */
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
  evidence?: ParentEvidence,
): OfflineImprovement {
  if (task.dataType === 'image') {
    const step = imageImprovement(parentInstruction, task, profile, imageRecipeOfScript(code));
    return { ...step, recipe: parseRecipe({ id: 'linear', params: {} }) };
  }
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
  if (evidence) {
    const read = readEvidence(parent, parts, task, profile, evidence);
    if (read) return make(read.recipe, read.change);
  }
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

/** A move chosen from what the parent's run showed, or null when it showed nothing the ladder should yield to. */
function readEvidence(
  parent: RecipeRef,
  parts: RecipeRef[],
  task: TaskSpec,
  profile: DataProfile,
  evidence: ParentEvidence,
): { recipe: RecipeRef; change: string } | null {
  const rebuild = (next: RecipeRef[], shared: Partial<RecipeRef['params']> = {}): RecipeRef =>
    parent.id === 'blend'
      ? parseRecipe({ id: 'blend', params: { ...parent.params, ...shared, parts: next } })
      : { id: next[0]!.id, params: { ...next[0]!.params, ...shared } };
  const regression = profile.target.type === 'regression' || profile.target.type === 'multi-regression';
  const min = profile.columns.find((c) => c.name === task.targets[0])?.min;
  const skew = profile.target.skew ?? 0;
  if (
    regression &&
    skew > SKEW_FOR_LOG &&
    min !== undefined &&
    min >= 0 &&
    parts.every((p) => p.id !== 'tfidf-linear') &&
    // Once along a line: when a part is already on the log scale the move was made (a family added later may not be).
    !parts.some((p) => p.params.logTarget)
  ) {
    const next = parts.map((p) => ({ id: p.id, params: { ...p.params, logTarget: true } }));
    return {
      recipe: rebuild(next, { logTarget: true }),
      change: `target: ${task.targets[0]} is right-skewed (skew ${fmt(skew)}) and never negative, so the models fit log1p(${task.targets[0]}) and the predictions are turned back`,
    };
  }
  const folds = evidence.foldScores;
  if (folds.length >= 3) {
    const { mean, std } = spread(folds);
    const bounded = BOUNDED_METRICS.has(task.metric);
    const wide = bounded ? std > SPREAD_BOUNDED : Math.abs(mean) > 0 && std / Math.abs(mean) > SPREAD_SHARE;
    // Once along a line: a part already given its depth or ridge strength is not regularised again.
    const regularisable = parts.some(
      (p) =>
        (p.id === 'gbdt' &&
          p.params.maxDepth === undefined &&
          modelSettings(p, profile)[0]!.maxDepth > MIN_DEPTH) ||
        (p.id === 'linear' && p.params.alpha === undefined),
    );
    if (wide && regularisable) {
      const next = parts.map((p): RecipeRef => {
        const settings = modelSettings(p, profile)[0]!;
        if (p.id === 'gbdt') {
          return {
            id: p.id,
            params: {
              ...p.params,
              maxDepth: Math.max(MIN_DEPTH, settings.maxDepth - 2),
              learningRate: Math.max(MIN_LEARNING_RATE, settings.learningRate / 2),
              nEstimators: settings.nEstimators * 2,
            },
          };
        }
        if (p.id === 'linear') return { id: p.id, params: { ...p.params, alpha: settings.alpha * 4 } };
        if (p.id === 'random-forest')
          return { id: p.id, params: { ...p.params, nEstimators: settings.nEstimators * 2 } };
        return p;
      });
      return {
        recipe: rebuild(next),
        change: `regularise: the ${folds.length} folds' ${task.metric} spread widely (${folds.map(fmt).join(', ')}; standard deviation ${fmt(std)} around ${fmt(mean)}), a sign of variance, so shallower boosted trees at half the learning rate, a four times stronger ridge and twice the forest's trees`,
      };
    }
  }
  return null;
}
