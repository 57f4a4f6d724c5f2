// Renders a Plan into neutral messages: the ranked options in brief with vote/run buttons, and the full text.
import { noteLine, usageLine } from '../core/index.ts';
import { type Choice, type Instruction, type Plan, SECTION_KEYS, SECTION_TITLES } from '../core/types.ts';
import { encodeAction } from './action-ids.ts';
import type { Block, Button, FileRef, OutgoingMessage } from './messages.ts';

export const CHOICES: Choice[] = ['1', '2', '3', 'resolver'];

export function choiceLabel(choice: Choice): string {
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

/** Two or three steps that tell options apart: the model and how it is trained. */
function instructionSummary(instruction: Instruction): string {
  const steps = [
    instruction.modelArchitecture[0],
    instruction.modelTraining[0],
    instruction.dataPreprocessing[0],
  ]
    .filter((s): s is string => Boolean(s))
    .map((s) => clip(s, 110));
  return steps.slice(0, 2).join(' ');
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

function tallyLine(votes: Record<string, string>, choice: Choice): string {
  const n = Object.values(votes).filter((v) => v === choice).length;
  return n === 0 ? 'no votes yet' : `${n} vote${n === 1 ? '' : 's'}`;
}

export interface PlanView {
  sid: string;
  planSeq: number;
  plan: Plan;
  votes: Record<string, string>;
  /** The full text as a markdown file. */
  file: FileRef | null;
}

export function renderPlan(view: PlanView): OutgoingMessage {
  const { plan, votes, sid, planSeq } = view;
  const t = plan.task;
  const blocks: Block[] = [
    { kind: 'heading', text: 'Three ranked instructions' },
    {
      kind: 'context',
      text: `${t.dataType} data, ${plan.profile.rows} rows · target ${t.targets.map((x) => `\`${x}\``).join(', ')} · metric ${t.metric} · engines: instructor ${plan.engines.instructor}, critic ${plan.engines.critic}, coder ${plan.engines.coder}`,
    },
  ];
  plan.instructions.forEach((ins, i) => {
    const choice = String(i + 1) as Choice;
    blocks.push({ kind: 'text', text: `**${i + 1}. ${ins.title}**\n${instructionSummary(ins)}` });
    blocks.push({ kind: 'context', text: `Votes: ${tallyLine(votes, choice)}` });
  });
  blocks.push({
    kind: 'text',
    text: `**Researcher's critique (in brief)**\n${critiqueBrief(plan.critique)}`,
  });
  const evidence = plan.resolver.evidence
    .filter((e) => e.cvScore !== null)
    .map((e) => `${e.rank}: ${e.cvScore?.toPrecision(4)}`)
    .join(', ');
  blocks.push({
    kind: 'text',
    text:
      `**Resolver's choice: option ${plan.resolver.chose}, improved** — ${plan.resolver.instruction.title}\n` +
      clip(plan.resolver.rationale, 300) +
      (evidence ? `\nQuick cross-validation (${t.metric}): ${evidence}` : ''),
  });
  blocks.push({ kind: 'context', text: evidenceLine(plan) });
  blocks.push({ kind: 'context', text: `Votes: ${tallyLine(votes, 'resolver')}` });
  const handled = plan.notes ?? [];
  if (handled.length > 0 || plan.usage.length > 0) {
    const notes =
      handled.length > 0
        ? ` · ${handled.length} model answer(s) handled: ${clip(handled.map(noteLine).join('; '), 240)}`
        : '';
    blocks.push({ kind: 'context', text: `Models: ${usageLine(plan.usage)}${notes}` });
  }
  const voteButtons: Button[] = CHOICES.map((c) => ({
    action: encodeAction({ kind: 'vote', sid, planSeq, choice: c }),
    label: c === 'resolver' ? 'Vote resolver' : `Vote ${c}`,
    style: 'default',
  }));
  const runButtons: Button[] = CHOICES.map((c) => ({
    action: encodeAction({ kind: 'run', sid, planSeq, choice: c }),
    label: c === 'resolver' ? 'Run resolver' : `Run ${c}`,
    style: c === 'resolver' ? 'primary' : 'default',
  }));
  blocks.push({ kind: 'buttons', buttons: voteButtons });
  blocks.push({
    kind: 'buttons',
    buttons: [
      ...runButtons,
      { action: encodeAction({ kind: 'full', sid, planSeq }), label: 'Full text', style: 'default' },
    ],
  });
  if (view.file) blocks.push({ kind: 'file', file: view.file });
  const names = plan.instructions.map((ins, i) => `${i + 1}. ${ins.title}`).join('; ');
  return {
    text: `Three instructions: ${names}. The resolver chose option ${plan.resolver.chose}.`,
    blocks,
  };
}

export function renderFullText(plan: Plan, file: FileRef | null): OutgoingMessage {
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
