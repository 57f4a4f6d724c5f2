// The offline coder: stage code from the instruction's recipe templates, integration, and rule-based repair.
import type { CoderEngine, EngineCall, StageContext } from '../engine.ts';
import { LinguacodusError } from '../errors.ts';
import { STAGES, type StageName } from '../types.ts';
import { formatPython } from './format-python.ts';
import {
  type ImageRecipe,
  imageRecipe,
  imageRecipeOf,
  imageRecipeOfScript,
  imageRepair,
  imageScript,
  renderImageStage,
} from './image-template.ts';
import { integrateStages, RECIPE_MARKER, renderStage, templateInput } from './recipe-script.ts';
import { parseRecipe, type RecipeRef, recipeFromInstruction, saferRecipe } from './recipes.ts';
import { VANILLA_RECIPE_ID, vanillaModelsText, vanillaTemplateInput } from './vanilla-template.ts';

const isVanilla = (context: StageContext) => context.instruction.recipe?.id === VANILLA_RECIPE_ID;

/** The recipe an offline script was written from, read from its marker line (null for other code). */
export function recipeOfScript(code: string): RecipeRef | null {
  const line = code.split('\n').find((l) => l.startsWith(RECIPE_MARKER));
  if (!line) return null;
  try {
    return parseRecipe(
      JSON.parse(line.slice(RECIPE_MARKER.length)) as { id: string; params: Record<string, unknown> },
    );
  } catch (error) {
    throw new LinguacodusError('internal', 'The offline script carries an unreadable recipe marker.', {
      cause: error,
    });
  }
}

export interface RepairPlan {
  recipe: RecipeRef;
  /** What was changed and why, for the log and the attempt record. */
  fix: string;
}

function withParams(recipe: RecipeRef, params: Partial<RecipeRef['params']>): RecipeRef {
  const next: RecipeRef = { id: recipe.id, params: { ...recipe.params, ...params } };
  if (recipe.id === 'blend' && recipe.params.parts) {
    next.params.parts = recipe.params.parts.map((p) => withParams(p, params));
  }
  return next;
}

/** Chooses the fix for a failure from the error text: known causes first, else a safer recipe. */
export function planRepair(
  current: RecipeRef,
  error: string,
  context: StageContext,
  previousFix: string | null = null,
): RepairPlan {
  const text = error.toLowerCase();
  // Resource limits first: a timed-out log may mention xgboost without xgboost being the problem.
  if (/memoryerror|out of memory|killed|\boom\b|timed out|timeout|time limit/.test(text)) {
    if (!current.params.light) {
      return {
        recipe: withParams(current, { light: true, charNgrams: false }),
        fix: 'out of memory or time: fewer trees, 3 folds, fewer TF-IDF features',
      };
    }
    return {
      recipe: saferRecipe(context.task, context.profile),
      fix: 'still too heavy: light linear recipe',
    };
  }
  if (/xgboost/.test(text) && /error|exception|no module/.test(text) && current.params.engine !== 'hgb') {
    return {
      recipe: withParams(current, { engine: 'hgb' }),
      fix: 'xgboost failed: use HistGradientBoosting',
    };
  }
  const regenerated = previousFix?.startsWith('submission check failed') ?? false;
  if (/submission/.test(text) && !/traceback/.test(text) && !regenerated) {
    return { recipe: current, fix: 'submission check failed: regenerate every stage from the templates' };
  }
  const safer = saferRecipe(context.task, context.profile);
  if (current.id === safer.id && current.params.light) {
    return {
      recipe: withParams(safer, { engine: 'hgb' }),
      fix: 'light linear recipe failed again: regenerate it',
    };
  }
  return { recipe: safer, fix: `${current.id} failed: regenerate with the safer ${safer.id} recipe` };
}

export interface OfflineCoderOptions {
  /** Format integrated scripts with black (default true); unit tests, which start no process, turn it off. */
  format?: boolean;
}

export class OfflineCoder implements CoderEngine {
  readonly kind = 'offline' as const;
  private readonly format: boolean;

  constructor(options: OfflineCoderOptions = {}) {
    this.format = options.format ?? true;
  }

  /** The integrated script as people commit it: formatted by black when it can be. */
  private async formatted(code: string): Promise<string> {
    return this.format ? (await formatPython(code)).code : code;
  }

  private recipe(context: StageContext): RecipeRef {
    if (isVanilla(context)) {
      // A vanilla script that failed is repaired into the engine's plain recipe of the same family, light.
      const id = vanillaModelsText(context.task, context.profile) ? 'tfidf-linear' : 'random-forest';
      return parseRecipe({ id, params: { light: true, charNgrams: false } });
    }
    return recipeFromInstruction(context.instruction, context.task, context.profile);
  }

  /** The image recipe of an image task (the instruction's, else the CNN, or the reference for vanilla). */
  private imageRecipe(context: StageContext): ImageRecipe | null {
    if (context.task.dataType !== 'image') return null;
    const fallback = isVanilla(context) ? 'image-pca' : 'image-cnn';
    return imageRecipeOf(context.instruction) ?? imageRecipe(fallback, context.profile);
  }

  async writeStage(stage: StageName, context: StageContext, _call?: EngineCall): Promise<string> {
    const image = this.imageRecipe(context);
    if (image)
      return renderImageStage(stage, context.task, context.profile, image, context.instruction.title);
    if (isVanilla(context)) {
      return renderStage(stage, vanillaTemplateInput(context.task, context.profile), context.instruction, {
        vanilla: true,
      });
    }
    const input = templateInput(context.task, context.profile, this.recipe(context));
    return renderStage(stage, input, context.instruction);
  }

  async integrate(context: StageContext, _call?: EngineCall): Promise<string> {
    const stages = [...context.previous];
    for (const stage of STAGES) {
      if (!stages.some((s) => s.stage === stage)) {
        stages.push({ stage, code: await this.writeStage(stage, { ...context, previous: stages }) });
      }
    }
    stages.sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
    return this.formatted(integrateStages(stages));
  }

  async repair(code: string, error: string, context: StageContext, _call?: EngineCall): Promise<string> {
    const image = this.imageRecipe(context);
    if (image) {
      const { task, profile, instruction } = context;
      const plan = imageRepair(imageRecipeOfScript(code) ?? image, error, profile);
      return this.formatted(
        `# Repair: ${plan.fix}.\n${imageScript(task, profile, plan.recipe, instruction.title)}`,
      );
    }
    const current = recipeOfScript(code) ?? this.recipe(context);
    // A script this coder already repaired says what was tried, so the same fix is not repeated.
    const previousFix = /^# Repair: (.*)\.$/m.exec(code)?.[1] ?? null;
    const plan = planRepair(current, error, context, previousFix);
    const input = templateInput(context.task, context.profile, plan.recipe);
    const stages = STAGES.map((stage) => ({
      stage,
      code: renderStage(stage, input, context.instruction),
    }));
    return this.formatted(`# Repair: ${plan.fix}.\n${integrateStages(stages)}`);
  }
}
