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
  const models = modelSettings(recipe, profile);
  // One target space per script: when any part fits on log1p of the target, every part does.
  const logTarget = models.some((m) => m.logTarget);
  return {
    task,
    profile,
    recipe,
    roles: columnRoles(task, profile),
    models: models.map((m) => ({ ...m, logTarget })),
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
    if (line.length + word.length + 1 > 118 && line.trim() !== '#') {
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
    const comment =
      step !== null ? commentLines('# Step:', step) : block.note ? commentLines('#', block.note) : null;
    return comment === null ? block.code : `${comment}\n${block.code}`;
  });
  const header =
    stage === 'preprocessing' && options.vanilla
      ? `${VANILLA_MARKER}\n# Stage 1/4 - data preprocessing (${instruction.title})\n`
      : stage === 'preprocessing'
        ? `${RECIPE_MARKER}${JSON.stringify(recipeJson(input.recipe))}\n# Stage 1/4 - data preprocessing (${instruction.title})\n`
        : `# Stage ${STAGES.indexOf(stage) + 1}/4 - ${stage}\n`;
  return `${header}${parts.join('\n\n')}\n`;
}

const TOP_IMPORT = /^(import\s+\S|from\s+\S+\s+import\s)/;
const STANDARD_LIBRARY = new Set(['itertools', 'json', 'math', 'os', 'sys', 'warnings']);

/** The hoisted imports as people write them: the standard library first, each module once, names merged. */
function sortImports(statements: string[]): string[] {
  const plain = new Set<string>();
  const named = new Map<string, Set<string>>();
  for (const statement of statements) {
    const flat = statement
      .replace(/[()\n]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    const from = /^from (\S+) import (.+)$/.exec(flat);
    if (!from) {
      plain.add(flat);
      continue;
    }
    const names = named.get(from[1]!) ?? new Set<string>();
    for (const name of from[2]!.split(',')) if (name.trim()) names.add(name.trim());
    named.set(from[1]!, names);
  }
  const lines = [
    ...[...plain].map((line) => ({ module: line.split(' ')[1]!, line, from: false })),
    ...[...named].map(([module, names]) => ({
      module,
      line: `from ${module} import ${[...names].sort().join(', ')}`,
      from: true,
    })),
  ];
  const section = (module: string) => (STANDARD_LIBRARY.has(module.split('.')[0]!) ? 0 : 1);
  lines.sort(
    (a, b) =>
      section(a.module) - section(b.module) ||
      Number(a.from) - Number(b.from) ||
      a.module.localeCompare(b.module),
  );
  const out: string[] = [];
  lines.forEach((entry, i) => {
    if (i > 0 && section(entry.module) !== section(lines[i - 1]!.module)) out.push('');
    out.push(entry.line);
  });
  return out;
}

/** A comment left above a blank line by a hoisted import belongs to the code below it. */
const tidy = (body: string) => body.replace(/^(#[^\n]*)\n\n+(?=\S)/gm, '$1\n');

/** Joins stage code into one script: top-level imports (including parenthesised ones) hoisted, merged and sorted. */
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
        imports.push(statement);
        continue;
      }
      body.push(line);
    }
    bodies.push(tidy(body.join('\n').replace(/^\n+/, '').replace(/\n+$/, '')));
  }
  const head = marker ? [marker] : [];
  return `${[...head, ...sortImports(imports)].join('\n')}\n\n${bodies.join('\n\n')}\n`;
}
