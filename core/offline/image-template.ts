// The offline engine's image recipes (image-template.py): a small CNN trained from scratch with augmentation in
// torch on the CPU, HOG and colour histograms with gradient boosting, and pixels with PCA and a linear model as the
// plain reference. Each is one script with the harness contract (CV score, out-of-fold and test predictions), so
// Blend works on image runs too; its instruction steps come from the blocks that implement them.
import { join } from 'node:path';
import { z } from 'zod';
import { TRAIN_FILE } from '../harness/index.ts';
import {
  type DataProfile,
  type Instruction,
  STAGE_SECTIONS,
  STAGES,
  type StageName,
  type TaskSpec,
} from '../types.ts';
import type { CodeBlock, TemplateInput } from './code-block.ts';
import { columnRoles } from './column-roles.ts';
import { readPythonTemplate } from './python-template.ts';
import { integrateStages, RECIPE_MARKER } from './recipe-script.ts';
import { parseRecipe } from './recipes.ts';
import { scriptFacts } from './script-facts.ts';
import { submissionBlocks } from './submission-template.ts';

const PYTHON = readPythonTemplate(join(import.meta.dirname, 'image-template.py'));
// The metric block every offline script shares (only the task's own metric).
const MODEL_PYTHON = readPythonTemplate(join(import.meta.dirname, 'model-template.py'));

export const IMAGE_RECIPE_IDS = ['image-cnn', 'image-hog', 'image-pca'] as const;
export type ImageRecipeId = (typeof IMAGE_RECIPE_IDS)[number];

const imageRecipeSchema = z.object({
  id: z.enum(IMAGE_RECIPE_IDS),
  params: z.object({
    /** Pictures are resized to side × side pixels. */
    side: z.number().int().min(8).max(256),
    folds: z.number().int().min(2).max(10),
    /** CNN only: passes over the training pictures per fold. */
    epochs: z.number().int().min(1).max(100).default(6),
    /** HOG only: boosting rounds. */
    trees: z.number().int().min(10).max(2000).default(200),
    /** CNN only: quarter turns in the augmentation (for pictures with no upright, such as cells or tiles). */
    turns: z.boolean().default(false),
    /** CNN only: mirrored pictures in the augmentation (off for small grey pictures, such as digits and letters). */
    flips: z.boolean().default(true),
  }),
});
export type ImageRecipe = z.infer<typeof imageRecipeSchema>;

/** The image recipe an instruction names, or null when it names none (or another recipe). */
export function imageRecipeOf(instruction: Pick<Instruction, 'recipe'>): ImageRecipe | null {
  const parsed = imageRecipeSchema.safeParse(instruction.recipe);
  return parsed.success ? parsed.data : null;
}

/** The side pictures are resized to: their largest side, at most 64 for the CNN and 48 for the others, a multiple of 4. */
function sideFor(profile: DataProfile, id: ImageRecipeId): number {
  const cap = id === 'image-cnn' ? 64 : 48;
  // The CNN pools twice, so tiny pictures are enlarged to 16 pixels to keep a 4×4 map.
  const floor = id === 'image-cnn' ? 16 : 8;
  return Math.max(floor, Math.floor(Math.min(largestSide(profile), cap) / 4) * 4);
}

const largestSide = (profile: DataProfile) =>
  Math.max(profile.images?.width.max ?? 32, profile.images?.height.max ?? 32);

/** The recipe with its settings sized to the data: fewer epochs for more pictures, 3 folds. */
export function imageRecipe(id: ImageRecipeId, profile: DataProfile): ImageRecipe {
  const count = profile.images?.count ?? profile.rows;
  const epochs = count > 20_000 ? 3 : count > 5_000 ? 5 : 8;
  return {
    id,
    params: {
      side: sideFor(profile, id),
      folds: 3,
      epochs,
      trees: count > 20_000 ? 60 : 100,
      turns: false,
      // A mirrored digit or letter is another one (or none): small grey pictures are likely such.
      flips: !(Math.max(...(profile.images?.channels ?? [3])) < 3 && largestSide(profile) <= 16),
    },
  };
}

function facts(task: TaskSpec, profile: DataProfile, recipe: ImageRecipe) {
  const placeholder = parseRecipe({ id: 'linear', params: {} });
  const input: TemplateInput = {
    task,
    profile,
    recipe: placeholder,
    roles: columnRoles(task, profile),
    models: [],
    folds: recipe.params.folds,
  };
  const channels = Math.max(...(profile.images?.channels ?? [3])) >= 3 ? 3 : 1;
  const square = profile.images !== undefined && profile.images.width.max === profile.images.height.max;
  return {
    input,
    values: {
      ...scriptFacts(input),
      recipe: recipe.id,
      cnn: recipe.id === 'image-cnn',
      path_column: task.extraFiles.length > 0 ? pathColumn(task, profile) : 'path',
      side: recipe.params.side,
      channels,
      mode: channels === 3 ? 'RGB' : 'L',
      epochs: recipe.params.epochs,
      trees: recipe.params.trees,
      // Leaves of at least 2 to 20 pictures: boosting on a few dozen pictures must still split.
      leaf: Math.min(20, Math.max(2, Math.floor((profile.images?.count ?? profile.rows) / 60))),
      components: 50,
      cell: Math.max(3, Math.floor(recipe.params.side / 4)),
      // Quarter turns only where asked and the pictures are square.
      turns: square && recipe.params.turns,
      flips: recipe.params.flips,
      quick_pictures: 600,
    },
  };
}

/** The column of train.csv holding the pictures' paths: the last profiled column (image-intake.ts adds it last). */
function pathColumn(task: TaskSpec, profile: DataProfile): string {
  const names = profile.columns
    .map((c) => c.name)
    .filter((n) => !task.targets.includes(n) && n !== task.idColumn);
  return names.at(-1) ?? 'path';
}

const RECIPE_TITLES: Record<ImageRecipeId, string> = {
  'image-cnn': 'Small CNN trained from scratch with augmentation',
  'image-hog': 'HOG and colour histograms with gradient boosting',
  'image-pca': 'Pixels with PCA and a linear model',
};

/** The blocks of one stage of an image recipe's script. */
export function imageStageBlocks(
  stage: StageName,
  task: TaskSpec,
  profile: DataProfile,
  recipe: ImageRecipe,
): CodeBlock[] {
  const { input, values } = facts(task, profile, recipe);
  const side = `${values.side}×${values.side}`;
  const cnn = recipe.id === 'image-cnn';
  switch (stage) {
    case 'preprocessing':
      return [
        {
          step: `Read each picture from \`${values.path_column}\` of ${TRAIN_FILE}, as ${values.channels === 3 ? 'RGB' : 'grey'} ${side} pixels scaled to [0, 1].`,
          code: PYTHON.block('load', values),
        },
        {
          step:
            profile.target.type === 'binary' || profile.target.type === 'multiclass'
              ? `Encode \`${task.targets[0]}\` as class indexes.`
              : `Learn \`${task.targets[0]}\` as a number.`,
          code: PYTHON.block('labels', values),
        },
        ...(cnn
          ? []
          : [
              {
                step:
                  recipe.id === 'image-hog'
                    ? 'Describe each picture by its HOG (9 orientations) and a 16-bin histogram of each colour channel.'
                    : 'Flatten the pixels into one row per picture.',
                code: PYTHON.block('features', values),
              },
            ]),
      ];
    case 'architecture':
      return [
        {
          step: null,
          note: `The task's metric (${task.metric}) for each fold.`,
          code: MODEL_PYTHON.block('metric', values),
        },
        cnn
          ? {
              step: `A small CNN: two convolution blocks (16 and 32 filters, batch norm, ReLU, max pooling), dropout and a dense head; augmentation by ${recipe.params.flips ? 'flips and ' : ''}shifts of up to 2 pixels.`,
              code: PYTHON.block('network', values),
            }
          : {
              step:
                recipe.id === 'image-hog'
                  ? `Histogram gradient boosting (${recipe.params.trees} rounds) on the HOG and colour features.`
                  : 'Scale the pixels, reduce them by PCA to at most 50 components and fit a linear model on them.',
              code: PYTHON.block('model', values),
            },
      ];
    case 'training':
      return [
        ...(cnn
          ? [
              {
                step: `Train with Adam for ${recipe.params.epochs} epochs per fold in batches of 64, on every core the sandbox gives; report the loss and the fold's score after each epoch.`,
                code: PYTHON.block('fit-network', values),
              },
            ]
          : []),
        {
          step: `${recipe.params.folds}-fold ${profile.target.type === 'binary' || profile.target.type === 'multiclass' ? 'stratified ' : ''}cross-validation: out-of-fold predictions for every training picture, test predictions averaged over the folds.`,
          code: PYTHON.block('cross-validation', values),
        },
        {
          step: null,
          note: cnn ? 'The training curve: loss and score per epoch.' : 'The score of each fold.',
          code: PYTHON.block('chart', values),
        },
      ];
    case 'submission':
      return submissionBlocks(input, values as ReturnType<typeof scriptFacts>);
  }
}

/** The instruction for an image recipe: every step comes from the code block that implements it. */
export function imageInstruction(
  task: TaskSpec,
  profile: DataProfile,
  recipe: ImageRecipe,
  rank: number,
  reason: string,
): Instruction {
  const instruction: Instruction = {
    rank,
    title: `${RECIPE_TITLES[recipe.id]}, ${recipe.params.folds}-fold CV on ${task.metric}`,
    dataPreprocessing: [],
    modelArchitecture: [],
    modelTraining: [],
    submission: [],
    recipe: { id: recipe.id, params: { ...recipe.params } },
  };
  for (const stage of STAGES) {
    const steps = imageStageBlocks(stage, task, profile, recipe)
      .map((b) => b.step)
      .filter((s): s is string => s !== null);
    instruction[STAGE_SECTIONS[stage]].push(...steps);
  }
  instruction.modelArchitecture.push(`Why this model: ${reason}.`);
  return instruction;
}

const REASONS: Record<ImageRecipeId, string> = {
  'image-cnn':
    'a convolutional network learns the shapes that tell the classes apart from the pixels themselves',
  'image-hog': 'HOG features capture edges and shapes cheaply, and boosting needs no tuning to use them',
  'image-pca': 'the plain reference: what the raw pixels alone give a linear model',
};

/** The three image options, CNN first (the hand-made features and the reference after it). */
export function imageInstructions(task: TaskSpec, profile: DataProfile): Instruction[] {
  return IMAGE_RECIPE_IDS.map((id, i) =>
    imageInstruction(task, profile, imageRecipe(id, profile), i + 1, REASONS[id]),
  );
}

/** One stage's Python for an image recipe, each block headed by its step (or note). */
export function renderImageStage(
  stage: StageName,
  task: TaskSpec,
  profile: DataProfile,
  recipe: ImageRecipe,
  title: string,
): string {
  const parts = imageStageBlocks(stage, task, profile, recipe).map((block) => {
    const comment = block.step ?? block.note ?? null;
    return comment === null ? block.code : `${commentLines(comment)}\n${block.code}`;
  });
  const header =
    stage === 'preprocessing'
      ? `${RECIPE_MARKER}${JSON.stringify(recipe)}\n# Stage 1/4 - data preprocessing (${title})\n`
      : `# Stage ${STAGES.indexOf(stage) + 1}/4 - ${stage}\n`;
  return `${header}${parts.join('\n\n')}\n`;
}

function commentLines(text: string): string {
  const out: string[] = [];
  let line = '#';
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > 118 && line !== '#') {
      out.push(line);
      line = '#  ';
    }
    line += ` ${word}`;
  }
  out.push(line);
  return out.join('\n');
}

/** The whole script of an image recipe, its stages joined (imports hoisted and merged). */
export function imageScript(
  task: TaskSpec,
  profile: DataProfile,
  recipe: ImageRecipe,
  title: string,
): string {
  return integrateStages(
    STAGES.map((stage) => ({ stage, code: renderImageStage(stage, task, profile, recipe, title) })),
  );
}

/** The image recipe an offline script was written from (its marker line), or null. */
export function imageRecipeOfScript(code: string): ImageRecipe | null {
  const line = code.split('\n').find((l) => l.startsWith(RECIPE_MARKER));
  if (!line) return null;
  try {
    return imageRecipeOf({ recipe: JSON.parse(line.slice(RECIPE_MARKER.length)) });
  } catch {
    return null;
  }
}

/** The fix for a failed image script, from the error text: lighter when out of time or memory, else a simpler recipe. */
export function imageRepair(
  current: ImageRecipe,
  error: string,
  profile: DataProfile,
): { recipe: ImageRecipe; fix: string } {
  const text = error.toLowerCase();
  const simpler = (id: ImageRecipeId) => imageRecipe(id, profile);
  if (/no module named .?(torch|torchvision)/.test(text)) {
    return {
      recipe: simpler('image-hog'),
      fix: 'torch is not installed in the sandbox: HOG features with boosting',
    };
  }
  if (/no module named .?skimage/.test(text)) {
    return {
      recipe: simpler('image-pca'),
      fix: 'scikit-image is not installed in the sandbox: PCA and a linear model',
    };
  }
  if (/memoryerror|out of memory|killed|\boom\b|timed out|timeout|time limit/.test(text)) {
    if (current.id === 'image-cnn' && current.params.epochs > 2) {
      const params = {
        ...current.params,
        epochs: Math.max(2, Math.floor(current.params.epochs / 2)),
        side: Math.min(current.params.side, 32),
      };
      return {
        recipe: { id: 'image-cnn', params },
        fix: `out of memory or time: ${params.epochs} epochs on ${params.side}×${params.side} pixels`,
      };
    }
    if (current.id !== 'image-pca')
      return { recipe: simpler('image-pca'), fix: 'still too heavy: PCA and a linear model' };
    return {
      recipe: { id: 'image-pca', params: { ...current.params, side: 16 } },
      fix: 'still too heavy: 16×16 pixels',
    };
  }
  const next: ImageRecipeId = current.id === 'image-cnn' ? 'image-hog' : 'image-pca';
  return { recipe: simpler(next), fix: `${current.id} failed: regenerate with the simpler ${next} recipe` };
}
