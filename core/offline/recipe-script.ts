// Turns a recipe into staged, commented Python and joins stages into one script with the imports on top.
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
import { foldCount, modelSettings } from './model-settings.ts';
import { architectureBlocks, trainingBlocks } from './model-template.ts';
import { preprocessingBlocks } from './preprocessing-template.ts';
import { type RecipeRef, recipeJson } from './recipes.ts';
import { submissionBlocks } from './submission-template.ts';
import { VANILLA_MARKER, vanillaStageBlocks } from './vanilla-template.ts';

/** First line of every offline script: lets repair() know which recipe wrote it. */
export const RECIPE_MARKER = '# linguacodus-recipe: ';

export function templateInput(task: TaskSpec, profile: DataProfile, recipe: RecipeRef): TemplateInput {
  return {
    task,
    profile,
    recipe,
    roles: columnRoles(task, profile),
    models: modelSettings(recipe, profile),
    folds: foldCount(recipe.params, profile),
  };
}

/** The blocks of one stage. */
export function stageBlocks(stage: StageName, input: TemplateInput): CodeBlock[] {
  switch (stage) {
    case 'preprocessing':
      return preprocessingBlocks(input);
    case 'architecture':
      return architectureBlocks(input);
    case 'training':
      return trainingBlocks(input);
    case 'submission':
      return submissionBlocks(input);
  }
}

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9_#]+/)
      .filter((w) => w.length >= 3),
  );
}

/** The instruction step a block implements: the best word overlap in the stage's section, else the block's own step. */
function matchingStep(block: CodeBlock, candidates: string[]): string | null {
  if (block.step === null) return null;
  const mine = words(block.step);
  let best: { step: string; score: number } | null = null;
  for (const candidate of candidates) {
    if (candidate === block.step) return candidate;
    const theirs = words(candidate);
    const shared = [...mine].filter((w) => theirs.has(w)).length;
    const score = shared / Math.max(1, Math.min(mine.size, theirs.size));
    if (!best || score > best.score) best = { step: candidate, score };
  }
  return best && best.score >= 0.34 ? best.step : block.step;
}

function commentLines(prefix: string, text: string): string {
  const out: string[] = [];
  let line = prefix;
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > 110 && line.trim() !== '#') {
      out.push(line);
      line = '#   ';
    }
    line += (line.endsWith(' ') ? '' : ' ') + word;
  }
  out.push(line);
  return out.join('\n');
}

/** One stage's Python, each block headed by the instruction step it implements. */
export function renderStage(
  stage: StageName,
  input: TemplateInput,
  instruction: Instruction,
  options: { vanilla?: boolean } = {},
): string {
  const section = instruction[STAGE_SECTIONS[stage]];
  const blocks = options.vanilla ? vanillaStageBlocks(stage, input) : stageBlocks(stage, input);
  const parts = blocks.map((block) => {
    const step = matchingStep(block, section);
    const comment = step !== null ? commentLines('# Step:', step) : commentLines('#', block.note ?? '');
    return `${comment}\n${block.code}`;
  });
  const header =
    stage === 'preprocessing' && options.vanilla
      ? `${VANILLA_MARKER}\n# Stage 1/4 - data preprocessing (${instruction.title})\n`
      : stage === 'preprocessing'
        ? `${RECIPE_MARKER}${JSON.stringify(recipeJson(input.recipe))}\n# Stage 1/4 - data preprocessing (${instruction.title})\n`
        : `# Stage ${STAGES.indexOf(stage) + 1}/4 - ${stage}\n`;
  return `${header}${parts.join('\n\n\n')}\n`;
}

const TOP_IMPORT = /^(import\s+\S|from\s+\S+\s+import\s)/;

/** Joins stage code into one script: top-level imports (including parenthesised ones) hoisted and de-duplicated. */
export function integrateStages(stages: { stage: StageName; code: string }[]): string {
  const imports: string[] = [];
  const bodies: string[] = [];
  let marker: string | null = null;
  for (const { code } of stages) {
    const lines = code.split('\n');
    const body: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (line.startsWith(RECIPE_MARKER)) {
        marker = line;
        continue;
      }
      if (TOP_IMPORT.test(line)) {
        let statement = line;
        // A parenthesised import spans lines until the closing bracket.
        while (statement.includes('(') && !statement.includes(')') && i + 1 < lines.length) {
          i++;
          statement += `\n${lines[i] ?? ''}`;
        }
        if (!imports.includes(statement)) imports.push(statement);
        continue;
      }
      body.push(line);
    }
    bodies.push(body.join('\n').replace(/^\n+/, '').replace(/\n+$/, ''));
  }
  const head = marker ? [marker] : [];
  return `${[...head, ...imports].join('\n')}\n\n${bodies.join('\n\n\n')}\n`;
}
