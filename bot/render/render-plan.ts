// Renders a Plan into neutral messages: the ranked options in brief with vote/run buttons, and the full text.

import type { Block, Button, FileRef, OutgoingMessage } from '../../contract/messages.ts';
import { METRICS } from '../../core/harness/index.ts';
import { noteLine, usageLine } from '../../core/index.ts';
import { type Choice, type Instruction, type Plan, SECTION_KEYS, SECTION_TITLES } from '../../core/types.ts';
import { encodeAction } from './action-ids.ts';

export const CHOICES: Choice[] = ['1', '2', '3', 'resolver'];

export function choiceLabel(choice: Choice): string {
  if (choice === 'vanilla') return 'the vanilla control';
  return choice === 'resolver' ? "the resolver's choice" : `option ${choice}`;
}

/** At most `max` characters, an ellipsis marking a cut; line breaks kept. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** One line of at most `max` characters. */
function clip(text: string, max: number): string {
  return cut(text.replace(/\s+/g, ' ').trim(), max);
}

/**
 * The critique in brief: each option's heading with its first point, when the critique has that shape
 * (the paper's researcher writes one section per option); otherwise its opening, clipped.
 */
export function critiqueBrief(critique: string, max = 700): string {
  const lines = critique.split('\n').map((l) => l.trim());
  const out: string[] = [];
  let wantPoint = false;
  for (const line of lines) {
    const heading = /^(#+\s*|\*\*)?(option|solution|instruction)\s*\d/i.test(line);
    if (heading) {
      out.push(line.startsWith('**') ? line : `**${line.replace(/^#+\s*/, '').replace(/\*\*/g, '')}**`);
      wantPoint = true;
    } else if (wantPoint && /^[-*•]\s+/.test(line)) {
      out.push(`- ${clip(line.replace(/^[-*•]\s+/, ''), 160)}`);
      wantPoint = false;
    }
  }
  const brief = out.length >= 2 ? out.join('\n') : clip(critique, 420);
  return cut(brief, max);
}

/** The paper's markdown form of one instruction. */
function instructionMarkdown(instruction: Instruction, heading: string): string {
  const lines = [`## ${heading}: ${instruction.title}`, ''];
  for (const key of SECTION_KEYS) {
    lines.push(`### ${SECTION_TITLES[key]}`);
    for (const step of instruction[key]) lines.push(`- ${step}`);
    lines.push('');
  }
  return lines.join('\n');
}

export function planMarkdown(plan: Plan): string {
  const t = plan.task;
  const parts = [
    '# Linguacodus plan',
    '',
    `Task: ${t.description}`,
    '',
    `Data: ${t.dataType}, ${plan.profile.rows} rows; target ${t.targets.join(', ')}; metric ${t.metric}.`,
    ...t.inferred.map((line) => `- ${line}`),
    '',
    ...plan.instructions.map((ins, i) => instructionMarkdown(ins, `Option ${i + 1}`)),
    "## Researcher's critique",
    '',
    plan.critique,
    '',
    `## Resolver: chose option ${plan.resolver.chose}, improved`,
    '',
    plan.resolver.rationale,
    '',
    evidenceLine(plan),
    '',
    instructionMarkdown(plan.resolver.instruction, "Resolver's choice"),
    ...((plan.notes ?? []).length > 0
      ? ['## Model answers handled', '', ...(plan.notes ?? []).map((n) => `- ${noteLine(n)}`), '']
      : []),
    `Models: ${usageLine(plan.usage)}.`,
  ];
  return parts.join('\n');
}

/** Where the quick cross-validation stands: still running after the draft is posted, then its verdict. */
function evidenceLine(plan: Plan): string {
  const verdict = plan.resolver.verdict;
  if (verdict === null)
    return 'Quick cross-validation of the options: running… (this message is updated when it lands)';
  return verdict ? `Quick cross-validation: ${verdict.summary}` : 'Quick cross-validation: not run.';
}

function tally(votes: Record<string, string>, choice: Choice): { n: number; voters: string[]; line: string } {
  const voters = Object.keys(votes).filter((user) => votes[user] === choice);
  const n = voters.length;
  return { n, voters, line: n === 0 ? 'no votes yet' : `${n} vote${n === 1 ? '' : 's'}` };
}

/**
 * At most `max` characters of one paragraph, cut at the last sentence end that keeps at least half of it, else at
 * the last word boundary (never mid-word, unless a single word is longer than `max`); an ellipsis marks a cut.
 */
export function cutAtBoundary(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const room = flat.slice(0, max - 2);
  let sentence = -1;
  for (const m of room.matchAll(/[.!?](?=\s)/g)) sentence = m.index + 1;
  if (sentence >= max / 2) return `${flat.slice(0, sentence)} …`;
  const word = flat[max - 1] === ' ' ? max - 1 : room.lastIndexOf(' ');
  const head = word > 0 ? flat.slice(0, word) : room;
  return `${head.replace(/[\s,;:–—-]+$/, '')}…`;
}

/** How long a card's summary may be before "more". */
export const SUMMARY_CHARS = 280;

/** What tells the options apart in a sentence or two: the model, then how it is trained. */
function instructionGist(instruction: Instruction): string {
  return [instruction.modelArchitecture[0], instruction.modelTraining[0], instruction.dataPreprocessing[0]]
    .filter((s): s is string => Boolean(s?.trim()))
    .slice(0, 2)
    .map((s) => s.trim().replace(/([^.!?])$/, '$1.'))
    .join(' ');
}

/** The instruction's four sections in markdown-lite (bold section names, bullet steps), without its title. */
export function instructionBody(instruction: Instruction): string {
  const lines: string[] = [];
  for (const key of SECTION_KEYS) {
    if (instruction[key].length === 0) continue;
    lines.push(`**${SECTION_TITLES[key]}**`);
    for (const step of instruction[key]) lines.push(`- ${step.replace(/\s*\n\s*/g, ' ')}`);
  }
  return lines.join('\n');
}

/** The summary, and the uncut text when the summary had to be cut. */
function summaryOf(text: string): { summary: string; more?: string } {
  const summary = cutAtBoundary(text, SUMMARY_CHARS);
  const whole = text.replace(/\s+/g, ' ').trim();
  return summary === whole ? { summary } : { summary, more: whole };
}

/** The quick CV scores by option (1-3), from the resolver's evidence; empty before it lands. */
function cvScores(plan: Plan): Map<number, number> {
  const scores = new Map<number, number>();
  for (const e of plan.resolver.evidence) if (e.cvScore !== null) scores.set(e.rank, e.cvScore);
  return scores;
}

/** The options in the order of their quick CV score, best first, by the metric's direction. */
function cvOrder(plan: Plan): number[] {
  const higher = METRICS[plan.task.metric].higherIsBetter;
  return [...cvScores(plan).entries()].sort((a, b) => (higher ? b[1] - a[1] : a[1] - b[1])).map(([r]) => r);
}

/**
 * One line saying why the options are numbered as they are, when the quick CV disagrees with that order (null when
 * it agrees or has not scored two options).
 */
export function rankingLine(plan: Plan): string | null {
  const order = cvOrder(plan);
  if (order.length < 2) return null;
  const agrees = order.every((r, i) => i === 0 || (order[i - 1] as number) < r);
  if (agrees) return null;
  const metric = METRICS[plan.task.metric];
  const scores = cvScores(plan);
  const listed = order.map((r) => `${r} (${scores.get(r)?.toPrecision(4)})`).join(', ');
  return (
    `Why this order: 1, 2, 3 is the instructor's ranking, made before any code ran; the quick cross-validation ` +
    `puts them ${listed} by ${metric.label}, ${metric.higherIsBetter ? 'higher' : 'lower'} is better. ` +
    `The resolver built on option ${plan.resolver.chose}.`
  );
}

export interface PlanView {
  sid: string;
  planSeq: number;
  plan: Plan;
  votes: Record<string, string>;
  /** The full text as a markdown file. */
  file: FileRef | null;
  /** The option shown with its full text in place (Slack and Discord, by editing the plan message). */
  expanded?: Choice | null;
}

/** The one-line explanation of the vanilla control. */
export const VANILLA_LINE = "The task alone, no instruction: the paper's baseline.";

function optionButtons(view: PlanView, choice: Choice, withVote: boolean): Button[] {
  const { sid, planSeq } = view;
  const name = choice === 'resolver' ? 'resolver' : choice;
  const expanded = view.expanded === choice;
  const buttons: Button[] = [];
  if (withVote)
    buttons.push({
      action: encodeAction({ kind: 'vote', sid, planSeq, choice }),
      label: `Vote ${name}`,
      style: 'default',
      role: 'vote',
    });
  buttons.push({
    action: encodeAction({ kind: 'run', sid, planSeq, choice }),
    label: `Run ${name}`,
    style: choice === 'resolver' ? 'primary' : 'default',
    role: 'run',
  });
  buttons.push({
    action: encodeAction({ kind: 'full', sid, planSeq, choice, ...(expanded ? { less: true } : {}) }),
    label: expanded ? `Less of ${name}` : `Full text ${name}`,
    style: 'default',
    role: 'expand',
  });
  return buttons;
}

export function renderPlan(view: PlanView): OutgoingMessage {
  const { plan, votes, sid, planSeq } = view;
  const t = plan.task;
  const metric = METRICS[t.metric];
  const blocks: Block[] = [
    { kind: 'heading', text: 'Three ranked instructions' },
    {
      kind: 'context',
      text: `${t.dataType} data, ${plan.profile.rows} rows · target ${t.targets.map((x) => `\`${x}\``).join(', ')} · metric ${t.metric} · engines: instructor ${plan.engines.instructor}, critic ${plan.engines.critic}, coder ${plan.engines.coder}`,
    },
  ];
  const ranking = rankingLine(plan);
  if (ranking) blocks.push({ kind: 'context', text: ranking });
  const scores = cvScores(plan);
  const best = cvOrder(plan)[0];
  const card = (choice: Choice, title: string, gist: string, full: string, extra: string[]) => {
    const { n, voters, line } = tally(votes, choice);
    blocks.push({
      kind: 'option',
      choice,
      title,
      ...summaryOf(gist),
      full,
      ...(view.expanded === choice ? { expanded: true } : {}),
      note: [`Votes: ${line}`, ...extra].join(' · '),
      votes: n,
      voters,
    });
    blocks.push({ kind: 'buttons', for: choice, buttons: optionButtons(view, choice, true) });
  };
  plan.instructions.forEach((ins, i) => {
    const score = scores.get(i + 1);
    const cv =
      score === undefined
        ? []
        : [
            `quick CV ${metric.label} ${score.toPrecision(4)}${best === i + 1 && scores.size > 1 ? ' (best)' : ''}`,
          ];
    card(String(i + 1) as Choice, `${i + 1}. ${ins.title}`, instructionGist(ins), instructionBody(ins), cv);
  });
  blocks.push({
    kind: 'text',
    text: `**Researcher's critique (in brief)**\n${critiqueBrief(plan.critique)}`,
  });
  card(
    'resolver',
    `Resolver's choice: option ${plan.resolver.chose}, improved — ${plan.resolver.instruction.title}`,
    plan.resolver.rationale,
    instructionBody(plan.resolver.instruction),
    [],
  );
  blocks.push({ kind: 'context', text: evidenceLine(plan) });
  blocks.push({
    kind: 'option',
    choice: 'vanilla',
    title: 'Vanilla control',
    summary: VANILLA_LINE,
    note: 'Run it beside an option to see what the instructions bought.',
  });
  blocks.push({
    kind: 'buttons',
    for: 'vanilla',
    buttons: [
      {
        action: encodeAction({ kind: 'run', sid, planSeq, choice: 'vanilla' }),
        label: 'Run vanilla control',
        style: 'default',
        role: 'run',
      },
    ],
  });
  const handled = plan.notes ?? [];
  if (handled.length > 0 || plan.usage.length > 0) {
    const notes =
      handled.length > 0
        ? ` · ${handled.length} model answer(s) handled: ${clip(handled.map(noteLine).join('; '), 240)}`
        : '';
    blocks.push({ kind: 'context', text: `Models: ${usageLine(plan.usage)}${notes}` });
  }
  // Every option's whole text as one message (the web chat shows each card's in place instead).
  blocks.push({
    kind: 'buttons',
    buttons: [
      {
        action: encodeAction({ kind: 'full', sid, planSeq }),
        label: 'Full text',
        style: 'default',
        role: 'expand',
      },
      {
        action: encodeAction({ kind: 'auto', sid, planSeq }),
        label: 'Auto',
        style: 'default',
        role: 'run',
      },
    ],
  });
  if (view.file) blocks.push({ kind: 'file', file: view.file });
  const names = plan.instructions.map((ins, i) => `${i + 1}. ${ins.title}`).join('; ');
  return {
    text: `Three instructions: ${names}. The resolver chose option ${plan.resolver.chose}.`,
    blocks,
  };
}

/**
 * The full text as a new message: every option's, or one option's (`choice`); Slack and Discord show one option's in
 * place instead when the bot edits the plan with `expanded`.
 */
export function renderFullText(plan: Plan, file: FileRef | null, choice?: Choice): OutgoingMessage {
  if (choice && choice !== 'vanilla') {
    const ins = choice === 'resolver' ? plan.resolver.instruction : plan.instructions[Number(choice) - 1];
    if (ins) {
      const heading = choice === 'resolver' ? "Resolver's choice" : `Option ${choice}`;
      return {
        text: `Full text of ${choiceLabel(choice)}.`,
        blocks: [{ kind: 'text', text: instructionMarkdown(ins, heading).replace(/^#+ (.*)$/gm, '**$1**') }],
      };
    }
  }
  const blocks: Block[] = [{ kind: 'heading', text: 'Full text of the instructions' }];
  plan.instructions.forEach((ins, i) => {
    blocks.push({
      kind: 'text',
      text: instructionMarkdown(ins, `Option ${i + 1}`).replace(/^#+ (.*)$/gm, '**$1**'),
    });
  });
  blocks.push({
    kind: 'text',
    text: instructionMarkdown(plan.resolver.instruction, "Resolver's choice").replace(
      /^#+ (.*)$/gm,
      '**$1**',
    ),
  });
  if (file) blocks.push({ kind: 'file', file });
  return { text: 'Full text of the three instructions and the resolver’s choice.', blocks };
}
