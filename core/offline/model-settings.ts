// Concrete model settings for each recipe part (full and quick mode), shared by the instruction text and the code.
import type { DataProfile } from '../types.ts';
import type { RecipeId, RecipeParams, RecipeRef } from './recipes.ts';

/** Preprocessing style a model needs: NaN-tolerant ordinals, imputed ordinals, one-hot+scaled, or TF-IDF. */
export type PreprocessStyle = 'trees' | 'forest' | 'linear' | 'text';

export interface ModelSettings {
  id: Exclude<RecipeId, 'blend'>;
  style: PreprocessStyle;
  weight: number;
  engine: 'xgboost' | 'hgb';
  nEstimators: number;
  quickEstimators: number;
  learningRate: number;
  quickLearningRate: number;
  maxDepth: number;
  earlyStoppingRounds: number;
  /** Ridge alpha for regression; LogisticRegression uses C = 1 / alpha. */
  alpha: number;
  textSvd: number;
  charNgrams: boolean;
  maxTfidfFeatures: number;
  logTarget: boolean;
  /** Forest: share of rows each tree samples (large tables), null for a full bootstrap. */
  maxSamples: number | null;
  /** Forest: minimum rows per leaf (larger on large tables: shallower, faster trees). */
  minSamplesLeaf: number;
}

/** Rows the quick (evidence) run cross-validates on; larger tables are sampled down to this. */
export const QUICK_SAMPLE_ROWS = 3000;
/** Classes with fewer rows than this are kept whole in the quick sample, so rare-class evidence is not thinned further. */
export const RARE_CLASS_ROWS = 200;

/** K for K-fold CV in full mode: 5, or 3 on large tables to keep the run near a minute on two cores. */
export function foldCount(params: RecipeParams, profile: DataProfile): number {
  if (params.folds) return params.folds;
  if (params.light) return 3;
  return profile.rows > 20_000 ? 3 : 5;
}

function classification(profile: DataProfile): boolean {
  return profile.target.type === 'binary' || profile.target.type === 'multiclass';
}

/** Forest trees fitted over a whole full run (trees x folds x targets) stay within this, so a multi-target text
 * task's forest (10 fits of 300 deep trees on 64 SVD columns once took 324 s) stays near a minute or two on two cores. */
export const FOREST_TREE_BUDGET = 2500;

/** The forest size, cut so that every fold and target together fit at most FOREST_TREE_BUDGET trees (never below 100). */
function forestTrees(wanted: number, params: RecipeParams, profile: DataProfile): number {
  const fits = foldCount(params, profile) * Math.max(1, profile.target.names.length);
  return Math.min(wanted, Math.max(100, Math.floor(FOREST_TREE_BUDGET / fits)));
}

/** Settings of one non-blend recipe. */
function single(recipe: RecipeRef, weight: number, profile: DataProfile): ModelSettings {
  const p = recipe.params;
  const id = recipe.id === 'blend' ? 'gbdt' : recipe.id;
  const light = p.light;
  const isText = id === 'tfidf-linear';
  const style: PreprocessStyle =
    id === 'gbdt' ? 'trees' : id === 'random-forest' ? 'forest' : isText ? 'text' : 'linear';
  const defaults: Record<typeof id, { n: number; q: number; lr: number; qlr: number; depth: number }> = {
    gbdt: { n: light ? 400 : 2000, q: 200, lr: light ? 0.1 : 0.05, qlr: 0.1, depth: 6 },
    'random-forest': { n: light ? 100 : profile.rows > 20_000 ? 150 : 300, q: 60, lr: 0, qlr: 0, depth: 0 },
    linear: { n: 0, q: 0, lr: 0, qlr: 0, depth: 0 },
    'tfidf-linear': { n: 0, q: 0, lr: 0, qlr: 0, depth: 0 },
  };
  const d = defaults[id];
  if (id === 'random-forest') d.n = forestTrees(p.nEstimators ?? d.n, p, profile);
  // Classification: C = 4 suits sparse n-grams. Regression: a strong ridge (alpha 20) measured best on the
  // CommonLit summaries (holdout mcrmse 0.74 at alpha 1, 0.68 at 20), where n-gram noise otherwise dominates.
  const textAlpha = classification(profile) ? 0.25 : 20;
  return {
    id,
    style,
    weight,
    engine: p.engine ?? 'xgboost',
    nEstimators: id === 'random-forest' ? d.n : (p.nEstimators ?? d.n),
    quickEstimators: Math.min(p.nEstimators ?? d.q, d.q),
    learningRate: p.learningRate ?? d.lr,
    quickLearningRate: Math.max(p.learningRate ?? d.qlr, d.qlr),
    maxDepth: p.maxDepth ?? d.depth,
    earlyStoppingRounds: light ? 30 : 100,
    alpha: p.alpha ?? (isText ? textAlpha : 1.0),
    textSvd: p.textSvd,
    charNgrams: p.charNgrams && !light,
    maxTfidfFeatures: light ? 20_000 : 50_000,
    logTarget: p.logTarget,
    // On large tables each tree sees half the rows with bigger leaves: about 4x faster, little accuracy lost.
    maxSamples: profile.rows > 20_000 ? 0.5 : null,
    // Dense SVD text features are many noisy continuous columns: bigger leaves cut the forest's time and overfit.
    minSamplesLeaf: profile.rows > 20_000 || p.textSvd > 0 ? 3 : 2,
  };
}

/** The models a recipe fits (one, or several for a blend), with their settings. */
export function modelSettings(recipe: RecipeRef, profile: DataProfile): ModelSettings[] {
  if (recipe.id !== 'blend') return [single(recipe, 1, profile)];
  const parts = recipe.params.parts ?? [];
  const weights = recipe.params.weights ?? parts.map(() => 1 / parts.length);
  return parts.map((part, i) => single(part, weights[i] ?? 1 / parts.length, profile));
}

/** A short human name for a model part, for titles and steps. */
export function modelName(settings: ModelSettings, profile: DataProfile): string {
  const cls = classification(profile);
  switch (settings.id) {
    case 'gbdt':
      return settings.engine === 'hgb'
        ? 'HistGradientBoosting'
        : cls
          ? 'XGBoost classifier'
          : 'XGBoost regressor';
    case 'random-forest':
      return cls ? 'random forest classifier' : 'random forest regressor';
    case 'linear':
      return cls ? 'logistic regression' : 'ridge regression';
    case 'tfidf-linear':
      return cls ? 'TF-IDF + logistic regression' : 'TF-IDF + ridge regression';
  }
}
