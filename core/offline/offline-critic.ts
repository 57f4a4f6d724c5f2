// The offline researcher and resolver: weaknesses of each option from the data profile, then the best option by
// cross-validation evidence, improved (tuned settings or a blend of the two best).
import type { CriticEngine, CriticInput, EngineCall, ResolverDecision } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import { METRICS } from '../harness/index.ts';
import type { DataProfile, Evidence, Instruction, TaskSpec } from '../types.ts';
import { columnList, columnRoles } from './column-roles.ts';
import { imageCritique, imageResolve } from './image-critic.ts';
import { modelName, modelSettings, QUICK_SAMPLE_ROWS, RARE_CLASS_ROWS } from './model-settings.ts';
import { instructionForRecipe } from './offline-instructor.ts';
import { type RecipeRef, recipeFromInstruction } from './recipes.ts';

/** Metrics bounded above by 1 where the room to improve is 1 - score. */
const BOUNDED = new Set(['roc-auc', 'accuracy', 'f1', 'f1-macro', 'f1-micro', 'r2']);
/** Two options closer than this (relative error) are blended rather than one tuned. */
const BLEND_GAP = 0.05;

function fmt(value: number): string {
  return Math.abs(value) >= 1000 ? value.toFixed(0) : Number(value.toPrecision(4)).toString();
}

function evidenceFor(rank: number, evidence: Evidence[]): Evidence | undefined {
  return evidence.find((e) => e.rank === rank);
}

function minorityShare(profile: DataProfile): number | null {
  const classes = profile.target.classes;
  if (!classes || classes.length < 2) return null;
  const total = classes.reduce((s, c) => s + c.count, 0);
  return Math.min(...classes.map((c) => c.count)) / Math.max(1, total);
}

/** Fewer rows of the rarest class than this in the quick sample make its CV scores noise (3 folds: a handful each). */
const MIN_QUICK_MINORITY_ROWS = 20;

/** Rows of the rarest class the quick check sees: rare classes are kept whole, others thinned with the sample. */
export function quickMinorityRows(profile: DataProfile): { value: string; rows: number } | null {
  const classes = profile.target.classes;
  if (!classes || classes.length < 2) return null;
  const share = Math.min(1, QUICK_SAMPLE_ROWS / Math.max(1, profile.rows));
  const rarest = classes.reduce((a, b) => (b.count < a.count ? b : a));
  const rows = rarest.count < RARE_CLASS_ROWS ? rarest.count : Math.round(rarest.count * share);
  return { value: rarest.value, rows };
}

/** Why the quick CV evidence cannot rank the options (then the profile's ranking stands), or null when it can. */
export function unreliableEvidence(task: TaskSpec, profile: DataProfile): string | null {
  const minority = quickMinorityRows(profile);
  if (minority && minority.rows < MIN_QUICK_MINORITY_ROWS) {
    return `the quick check's sample holds only ${minority.rows} rows of class ${JSON.stringify(minority.value)} (fewer than ${MIN_QUICK_MINORITY_ROWS}), so each of its 3 validation folds scores ${task.metric} on a handful of them and the options' differences are noise`;
  }
  return null;
}

/** Concrete weaknesses of one option, from its recipe and the data profile. */
export function weaknesses(task: TaskSpec, profile: DataProfile, recipe: RecipeRef): string[] {
  const roles = columnRoles(task, profile);
  const out: string[] = [];
  const ids = recipe.id === 'blend' ? (recipe.params.parts ?? []).map((p) => p.id) : [recipe.id];
  const skew = profile.target.skew ?? 0;
  const regression = profile.target.type === 'regression' || profile.target.type === 'multi-regression';
  if (ids.includes('linear') || ids.includes('tfidf-linear')) {
    if (regression && Math.abs(skew) > 1 && !recipe.params.logTarget) {
      out.push(
        `a linear model on a skewed target (skewness ${fmt(skew)}) without a log transform fits the tail poorly`,
      );
    }
    out.push('a linear model misses interactions and non-linear effects unless they are engineered by hand');
    if (roles.highCardinality.length > 0) {
      out.push(
        `one-hot encoding of high-cardinality ${columnList(roles.highCardinality, 4)} keeps only frequent values; the rest collapse into one level`,
      );
    }
  }
  if (ids.includes('gbdt')) {
    if (profile.rows < 1000) out.push(`boosting on only ${profile.rows} rows has high variance across folds`);
    out.push('early stopping on the validation fold makes its CV score slightly optimistic');
    if (roles.highCardinality.length > 0) {
      out.push(
        `ordinal codes for high-cardinality ${columnList(roles.highCardinality, 4)} impose an arbitrary order`,
      );
    }
  }
  if (ids.includes('random-forest')) {
    out.push('a random forest averages leaves, so it cannot predict beyond the range of the training target');
    if (profile.rows > 20_000)
      out.push(`${profile.rows} rows make a large forest slow to train on two cores`);
  }
  if (ids.includes('tfidf-linear') || recipe.params.textSvd > 0) {
    out.push('TF-IDF ignores word order and meaning beyond n-grams; synonyms and paraphrases are missed');
  }
  if (recipe.params.timeSeries) {
    out.push(
      'lags must be at least the forecast horizon long to stay honest, so the most recent history cannot be used',
    );
    if (ids.some((id) => id !== 'linear'))
      out.push('tree models cannot extrapolate a trend beyond the training period');
  }
  const minority = minorityShare(profile);
  if (minority !== null && minority < 0.2) {
    const rankBased = task.metric === 'roc-auc';
    out.push(
      `class imbalance (minority share ${(minority * 100).toFixed(1)}%) is not reweighted${rankBased ? '; harmless for ROC AUC, which only ranks' : `; a 0.5 threshold under-predicts the minority for ${task.metric}`}`,
    );
  }
  const sparse = profile.columns.filter((c) => c.missingShare > 0.3 && !task.targets.includes(c.name));
  if (sparse.length > 0) {
    out.push(
      `${columnList(
        sparse.map((c) => c.name),
        4,
      )} are mostly missing (over 30%); imputation adds little signal`,
    );
  }
  return out;
}

function evidenceLine(task: TaskSpec, e: Evidence | undefined): string {
  if (!e) return 'no quick cross-validation was run';
  if (e.cvScore === null)
    return `its code failed the quick check${e.error ? `: ${e.error.split('\n')[0]}` : ''}`;
  return `quick CV ${task.metric} = ${fmt(e.cvScore)} (${e.seconds.toFixed(1)} s)`;
}

/** Options with a finite CV score, best first under the metric's direction. */
export function rankByEvidence(task: TaskSpec, evidence: Evidence[]): Evidence[] {
  const higher = METRICS[task.metric].higherIsBetter;
  return evidence
    .filter((e): e is Evidence & { cvScore: number } => e.cvScore !== null && Number.isFinite(e.cvScore))
    .sort((a, b) => (higher ? b.cvScore - a.cvScore : a.cvScore - b.cvScore));
}

/** How much worse `second` is than `best`, relative to the error left (0 = equal). */
export function relativeGap(task: TaskSpec, best: number, second: number): number {
  if (BOUNDED.has(task.metric)) {
    const eBest = 1 - best;
    const eSecond = 1 - second;
    return Math.abs(eSecond - eBest) / Math.max(1e-9, Math.abs(eBest));
  }
  return Math.abs(second - best) / Math.max(1e-9, Math.abs(best));
}

/** The best recipe with stronger settings: slower learning and more trees, or a larger forest. */
function tunedRecipe(recipe: RecipeRef, profile: DataProfile): { recipe: RecipeRef; change: string } {
  const large = profile.rows > 20_000;
  if (recipe.id === 'gbdt') {
    const learningRate = large ? 0.05 : 0.03;
    const nEstimators = large ? 2000 : 4000;
    return {
      recipe: { id: 'gbdt', params: { ...recipe.params, learningRate, nEstimators, maxDepth: 5 } },
      change: `learning rate ${learningRate} with up to ${nEstimators} rounds and max depth 5 (early stopping picks the count)`,
    };
  }
  if (recipe.id === 'random-forest') {
    const wanted = large ? 300 : 500;
    const tuned: RecipeRef = { id: 'random-forest', params: { ...recipe.params, nEstimators: wanted } };
    // The forest's time budget may cap the count (several targets times folds): say what will really run.
    const nEstimators = modelSettings(tuned, profile)[0]?.nEstimators ?? wanted;
    return {
      recipe: tuned,
      change: `${nEstimators} trees for a lower-variance average`,
    };
  }
  if (recipe.id === 'linear' || recipe.id === 'tfidf-linear') {
    const current = modelSettings(recipe, profile)[0]?.alpha ?? 1;
    // Sparse n-gram ridge regressions gain from more shrinkage (noisy words); elsewhere a weaker penalty
    // (larger C, smaller alpha) lets the model use more of the features.
    const stronger =
      recipe.id === 'tfidf-linear' &&
      profile.target.type !== 'binary' &&
      profile.target.type !== 'multiclass';
    const alpha = stronger ? current * 2 : current / 2;
    return {
      recipe: { id: recipe.id, params: { ...recipe.params, alpha } },
      change: stronger
        ? `stronger L2 regularisation (alpha = ${alpha}) against noisy n-gram features`
        : `weaker L2 regularisation (alpha = ${alpha}, C = ${1 / alpha}) to use more of the features`,
    };
  }
  return { recipe, change: 'the blend as it is' };
}

function label(recipe: RecipeRef, profile: DataProfile): string {
  return modelSettings(recipe, profile)
    .map((m) => modelName(m, profile))
    .join(' + ');
}

export class OfflineCritic implements CriticEngine {
  readonly kind = 'offline' as const;

  async critique(input: CriticInput, _call?: EngineCall): Promise<string> {
    if (input.task.dataType === 'image') return imageCritique(input);
    const { task, profile, instructions, evidence } = input;
    const sections = instructions.map((instruction) => {
      const recipe = recipeFromInstruction(instruction, task, profile);
      const e = evidenceFor(instruction.rank, evidence);
      const lines = weaknesses(task, profile, recipe).map(
        (w) => `- ${w.charAt(0).toUpperCase()}${w.slice(1)}.`,
      );
      lines.push(`- Evidence: ${evidenceLine(task, e)}.`);
      return `**Option ${instruction.rank}: ${instruction.title}**\n${lines.join('\n')}`;
    });
    const ranked = rankByEvidence(task, evidence);
    const direction = METRICS[task.metric].higherIsBetter ? 'higher' : 'lower';
    const unreliable = unreliableEvidence(task, profile);
    const scores = `By quick cross-validation (${task.metric}, ${direction} is better): ${ranked.map((e) => `option ${e.rank} ${fmt(e.cvScore ?? Number.NaN)}`).join(', ')}.`;
    const summary =
      ranked.length === 0
        ? 'No option has a cross-validation score yet; the ranking rests on the data profile.'
        : unreliable
          ? `${scores} These scores are unreliable: ${unreliable}; the ranking rests on the data profile.`
          : scores;
    return `${sections.join('\n\n')}\n\n${summary}`;
  }

  async resolve(input: CriticInput & { critique: string }, _call?: EngineCall): Promise<ResolverDecision> {
    if (input.task.dataType === 'image') return imageResolve(input);
    const { task, profile, instructions, evidence } = input;
    const byRank = new Map(instructions.map((i) => [i.rank, i] as const));
    const scored = rankByEvidence(task, evidence).filter((e) => byRank.has(e.rank));
    const direction = METRICS[task.metric].higherIsBetter ? 'higher' : 'lower';
    const unreliable = scored.length > 0 ? unreliableEvidence(task, profile) : null;
    // Noisy evidence must not overrule the profile's ranking: it neither picks the option nor decides a blend.
    const ranked = unreliable ? [] : scored;
    const bestEvidence = ranked[0];
    const chosen: Instruction | undefined = bestEvidence
      ? byRank.get(bestEvidence.rank)
      : (byRank.get(1) ?? instructions[0]);
    if (!chosen) {
      throw new LinguacodusError('internal', 'The resolver was given no instructions to choose from.');
    }
    const bestRecipe = recipeFromInstruction(chosen, task, profile);
    const why = bestEvidence
      ? `Option ${chosen.rank} (${label(bestRecipe, profile)}) has the best quick CV ${task.metric}: ${ranked.map((e) => `option ${e.rank} ${fmt(e.cvScore ?? Number.NaN)}`).join(', ')} (${direction} is better).`
      : unreliable
        ? `The quick CV evidence (${scored.map((e) => `option ${e.rank} ${fmt(e.cvScore ?? Number.NaN)}`).join(', ')}) is unreliable: ${unreliable}; so option ${chosen.rank} (${label(bestRecipe, profile)}) is kept on the data profile's ranking.`
        : `No option produced a cross-validation score, so option ${chosen.rank} (${label(bestRecipe, profile)}) is kept on the data profile's ranking.`;
    const failed = evidence.filter((e) => e.cvScore === null).map((e) => `option ${e.rank}`);
    const failedNote = failed.length > 0 ? ` ${failed.join(' and ')} failed the quick check.` : '';

    const runnerUp = ranked[1];
    const runnerUpInstruction = runnerUp ? byRank.get(runnerUp.rank) : undefined;
    let improved: RecipeRef;
    let change: string;
    if (bestEvidence && runnerUp && runnerUpInstruction && bestRecipe.id !== 'blend') {
      const second = recipeFromInstruction(runnerUpInstruction, task, profile);
      const gap = relativeGap(task, bestEvidence.cvScore ?? 0, runnerUp.cvScore ?? 0);
      if (gap <= BLEND_GAP && second.id !== bestRecipe.id && second.id !== 'blend') {
        const weights = gap <= 0.01 ? [0.5, 0.5] : [0.6, 0.4];
        improved = { id: 'blend', params: { ...bestRecipe.params, parts: [bestRecipe, second], weights } };
        change = `blend it with option ${runnerUp.rank} (${label(second, profile)}), weights ${weights.join('/')}: their quick CV scores are within ${(gap * 100).toFixed(1)}% of each other, and averaging two different model families usually beats either`;
      } else {
        const tuned = tunedRecipe(bestRecipe, profile);
        improved = tuned.recipe;
        change = `tune it: ${tuned.change}; option ${runnerUp.rank} trails by ${(gap * 100).toFixed(1)}% of the remaining error, too far for a blend to help`;
      }
    } else {
      const tuned = tunedRecipe(bestRecipe, profile);
      improved = tuned.recipe;
      change = `tune it: ${tuned.change}`;
    }
    const instruction = instructionForRecipe(task, profile, improved, 0);
    instruction.title = `Improved option ${chosen.rank}: ${instruction.title}`;
    const rationale = `${why}${failedNote} Improvement: ${change}.`;
    instruction.modelTraining.push(`Resolver's evidence: ${rationale}`);
    return { chose: chosen.rank, instruction, rationale };
  }
}
