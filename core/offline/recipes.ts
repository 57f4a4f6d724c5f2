// The offline engine's recipes: which model families fit a task, their settings, and their ranking from the data profile.
import { z } from 'zod';
import type { DataProfile, Instruction, TaskSpec } from '../types.ts';
import { columnRoles } from './column-roles.ts';

const RECIPE_IDS = ['gbdt', 'random-forest', 'linear', 'tfidf-linear', 'blend'] as const;
export type RecipeId = (typeof RECIPE_IDS)[number];

/** A recipe with its settings, as stored in `Instruction.recipe`. */
export interface RecipeRef {
  id: RecipeId;
  params: RecipeParams;
}

const baseParamsSchema = z.object({
  /** Calendar, trend and horizon-safe lag features; time-ordered CV. */
  timeSeries: z.boolean().default(false),
  /** Fit on log1p(target) and invert (skewed positive targets, rmsle). */
  logTarget: z.boolean().default(false),
  /** Trees: maximum boosting rounds / forest size. */
  nEstimators: z.number().int().positive().optional(),
  learningRate: z.number().positive().optional(),
  maxDepth: z.number().int().positive().optional(),
  /** K of K-fold CV in full mode (quick mode always uses 3). */
  folds: z.number().int().min(2).max(10).optional(),
  /** Gradient boosting library: xgboost (falls back to HistGradientBoosting on import failure) or forced HGB. */
  engine: z.enum(['xgboost', 'hgb']).optional(),
  /** Fewer trees / features: chosen after a memory or time failure. */
  light: z.boolean().default(false),
  /** Trees on text: TF-IDF reduced to this many SVD components per text column (0: length statistics only). */
  textSvd: z.number().int().nonnegative().default(0),
  /** Linear models: L2 strength (Ridge alpha; LogisticRegression C = 1/alpha). */
  alpha: z.number().positive().optional(),
  /** TF-IDF: add character n-grams to word n-grams. */
  charNgrams: z.boolean().default(true),
  /** Blend only: refit the parts' weights on their out-of-fold predictions (an improvement step). */
  fitWeights: z.boolean().optional(),
});

export interface RecipeParams extends z.infer<typeof baseParamsSchema> {
  /** Blend only: the recipes averaged, with weights. */
  parts?: RecipeRef[];
  weights?: number[];
}

const recipeIdSchema = z.enum(RECIPE_IDS);

/** Reads recipe params from an instruction (unknown JSON) with defaults filled in; throws on a malformed value. */
export function parseRecipe(raw: { id: string; params: Record<string, unknown> }): RecipeRef {
  const id = recipeIdSchema.parse(raw.id);
  const base = baseParamsSchema.parse(raw.params);
  const params: RecipeParams = { ...base };
  if (id === 'blend') {
    const parts = z
      .array(z.object({ id: recipeIdSchema, params: z.record(z.string(), z.unknown()) }))
      .min(2)
      .parse(raw.params.parts);
    params.parts = parts.map((p) => parseRecipe(p));
    const weights = z.array(z.number().nonnegative()).optional().parse(raw.params.weights);
    params.weights = weights ?? params.parts.map(() => 1 / parts.length);
  }
  return { id, params };
}

/** The recipe as plain JSON for `Instruction.recipe`. */
export function recipeJson(recipe: RecipeRef): { id: string; params: Record<string, unknown> } {
  return JSON.parse(JSON.stringify(recipe)) as { id: string; params: Record<string, unknown> };
}

export interface RankedRecipe {
  recipe: RecipeRef;
  /** Why this recipe sits at this place, in one sentence (shown in critique and instruction titles). */
  reason: string;
}

function targetMin(task: TaskSpec, profile: DataProfile): number | undefined {
  return profile.columns.find((c) => c.name === task.targets[0])?.min;
}

/** Whether a log1p target transform fits: rmsle always; skewed non-negative targets for linear models. */
export function wantsLogTarget(task: TaskSpec, profile: DataProfile, recipe: RecipeId): boolean {
  const type = profile.target.type;
  if (type !== 'regression' && type !== 'multi-regression') return false;
  const min = targetMin(task, profile);
  if (min !== undefined && min < 0) return false;
  if (task.metric === 'rmsle') return true;
  return recipe === 'linear' && (profile.target.skew ?? 0) > 1 && min !== undefined;
}

function ref(
  task: TaskSpec,
  profile: DataProfile,
  id: RecipeId,
  extra: Partial<RecipeParams> = {},
): RecipeRef {
  const timeSeries = task.dataType === 'time series';
  return {
    id,
    params: baseParamsSchema.parse({
      timeSeries,
      logTarget: wantsLogTarget(task, profile, id),
      ...extra,
    }),
  };
}

/** Three recipes for the task, best first, each with the reason for its place. */
export function rankRecipes(task: TaskSpec, profile: DataProfile): RankedRecipe[] {
  const roles = columnRoles(task, profile);
  const isText =
    task.dataType === 'text' ||
    (roles.text.length > 0 && roles.numeric.length + roles.categorical.length <= 2);
  if (isText && roles.text.length > 0) {
    return [
      {
        recipe: ref(task, profile, 'tfidf-linear'),
        reason:
          'the signal is in free text, where sparse word and character n-grams with a regularised linear model are strong and fast',
      },
      {
        recipe: ref(task, profile, 'gbdt', { textSvd: 64 }),
        reason:
          'gradient-boosted trees on a 64-component SVD of the TF-IDF matrix plus text-length statistics capture non-linear effects',
      },
      {
        recipe: ref(task, profile, 'random-forest', { textSvd: 64 }),
        reason: 'a random forest on the same compressed text features is a robust, low-variance alternative',
      },
    ];
  }
  if (task.dataType === 'time series') {
    return [
      {
        recipe: ref(task, profile, 'gbdt'),
        reason:
          'gradient-boosted trees on calendar, exogenous and horizon-safe lag features handle seasonality and interactions',
      },
      {
        recipe: ref(task, profile, 'linear'),
        reason:
          'a ridge regression on a trend and Fourier terms of the calendar extrapolates smooth seasonality beyond the training period',
      },
      {
        recipe: ref(task, profile, 'random-forest'),
        reason:
          'a random forest on the same features is a robust baseline that cannot overshoot the range of the training target',
      },
    ];
  }
  const gbdt: RankedRecipe = {
    recipe: ref(task, profile, 'gbdt'),
    reason:
      'gradient-boosted trees are the strongest general model for mixed numeric and categorical tables, with early stopping against overfitting',
  };
  const forest: RankedRecipe = {
    recipe: ref(task, profile, 'random-forest'),
    reason: 'a random forest needs little tuning and is hard to overfit, which suits a small table',
  };
  const linear: RankedRecipe = {
    recipe: ref(task, profile, 'linear'),
    reason:
      'a regularised linear model with one-hot encoding and scaling is fast, stable and a check on the tree models',
  };
  // On very small tables boosting's variance often loses to the forest's averaging.
  if (profile.rows < 1000) return [forest, gbdt, linear];
  return [gbdt, forest, linear];
}

const KEYWORDS: { id: RecipeId; words: RegExp }[] = [
  {
    id: 'tfidf-linear',
    words: /tf-?idf|bag[- ]of[- ]words|n-?grams?|\bbert\b|transformer|embedding|\btext\b/i,
  },
  { id: 'gbdt', words: /xgboost|lightgbm|catboost|boost|gbdt|gbm/i },
  { id: 'random-forest', words: /random forest|\bforest\b|extra ?trees|bagging/i },
  { id: 'linear', words: /linear|logistic|ridge|lasso|elastic ?net|\bsvm\b|regression model/i },
];

/** The recipe closest to a model-written instruction, by keywords in its architecture and training steps. */
export function recipeFromInstruction(
  instruction: Instruction,
  task: TaskSpec,
  profile: DataProfile,
): RecipeRef {
  if (instruction.recipe) return parseRecipe(instruction.recipe);
  const hasText = columnRoles(task, profile).text.length > 0;
  // The architecture section names the model; training and the title only break ties when it does not.
  const texts = [
    instruction.modelArchitecture.join('\n'),
    [instruction.title, ...instruction.modelTraining].join('\n'),
  ];
  // Model words first: "XGBoost on TF-IDF" is a boosting recipe with text features.
  const ordered = [KEYWORDS[1], KEYWORDS[2], KEYWORDS[3], KEYWORDS[0]];
  for (const text of texts) {
    for (const entry of ordered) {
      if (!entry?.words.test(text)) continue;
      if (entry.id === 'tfidf-linear' && !hasText) continue;
      const textSvd = hasText && entry.id !== 'linear' ? 64 : 0;
      if (entry.id === 'linear' && hasText) return ref(task, profile, 'tfidf-linear');
      return ref(task, profile, entry.id, entry.id === 'tfidf-linear' ? {} : { textSvd });
    }
  }
  return rankRecipes(task, profile)[0]?.recipe ?? ref(task, profile, 'gbdt');
}

/** A safer recipe to fall back to after failures: linear (TF-IDF linear for text), light settings. */
export function saferRecipe(task: TaskSpec, profile: DataProfile): RecipeRef {
  const hasText = columnRoles(task, profile).text.length > 0;
  return ref(task, profile, hasText && task.dataType === 'text' ? 'tfidf-linear' : 'linear', {
    light: true,
    charNgrams: false,
  });
}
