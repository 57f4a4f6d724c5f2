// The plan as option cards on every surface: summaries cut at a boundary, the ranking explained, and the Slack and
// Discord renderings of a plan with the paper's longest released instructions within each platform's limits, with
// every card's actions beside it, folded and with each card's full text shown in place.
import { beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_LIMITS } from '../../adapters/discord/limits.ts';
import { renderDiscordMessage } from '../../adapters/discord/render-components.ts';
import { SLACK_LIMITS } from '../../adapters/slack/limits.ts';
import { renderSlackMessage, totalBlockChars } from '../../adapters/slack/render-blocks.ts';
import { decodeAction, encodeAction } from '../../bot/render/action-ids.ts';
import { cutAtBoundary, rankingLine, renderFullText, renderPlan } from '../../bot/render/render-plan.ts';
import { outgoingMessageSchema } from '../../contract/messages.ts';
import type { Choice, Plan } from '../../core/types.ts';
import { longPlan } from '../helpers/long-plan.ts';

const SID = '0123456789abcdef';
const EXPANDED: (Choice | null)[] = [null, '1', '2', '3', 'resolver'];

let plan: Plan;
beforeAll(async () => {
  plan = await longPlan();
}, 60_000);

const votes: Record<string, string> = Object.fromEntries(
  Array.from({ length: 300 }, (_, i) => [
    `U${String(i).padStart(8, '0')}`,
    ['1', '2', '3', 'resolver'][i % 4] ?? '1',
  ]),
);
const view = (expanded: Choice | null) =>
  renderPlan({ sid: SID, planSeq: 12, plan, votes, file: null, expanded });

describe('cutting a summary', () => {
  it('never cuts mid-word, prefers a sentence end, and marks the cut', () => {
    const text =
      'Use gradient boosting on the columns. Tune the learning rate with five folds and early stopping.';
    expect(cutAtBoundary(text, 200)).toBe(text);
    expect(cutAtBoundary(text, 60)).toBe('Use gradient boosting on the columns. …');
    const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda';
    const cut = cutAtBoundary(words, 30);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(30);
    expect(words.startsWith(cut.slice(0, -1))).toBe(true);
    expect(words.split(' ')).toContain(cut.slice(0, -1).split(' ').at(-1));
  });

  it('cuts every real option summary at a word', () => {
    for (const b of view(null).blocks) {
      if (b.kind !== 'option' || !b.more) continue;
      const head = b.summary.replace(/ ?…$/, '');
      expect(b.more.startsWith(head)).toBe(true);
      expect([' ', undefined]).toContain(b.more[head.length]);
    }
  });
});

describe('the ranking explained', () => {
  it('says why the order differs from the quick cross-validation, in one line', () => {
    const line = rankingLine(plan);
    expect(line).toContain("1, 2, 3 is the instructor's ranking");
    expect(line).toContain('3 (340.1), 1 (361.3), 2 (402.5) by MAE, lower is better');
    expect(line).not.toContain('\n');
    const texts = view(null).blocks.flatMap((b) => (b.kind === 'context' ? [b.text] : []));
    expect(texts).toContain(line);
  });

  it('says nothing when the quick cross-validation agrees', () => {
    const agreeing: Plan = {
      ...plan,
      resolver: {
        ...plan.resolver,
        evidence: plan.resolver.evidence.map((e) => ({ ...e, cvScore: 100 * e.rank })),
      },
    };
    expect(rankingLine(agreeing)).toBeNull();
  });
});

describe('Full text of one option', () => {
  it('is encoded per option without changing the encoding of the whole-text button', () => {
    expect(encodeAction({ kind: 'full', sid: SID, planSeq: 3 })).toBe(`lc|${SID}|3|full`);
    const one = encodeAction({ kind: 'full', sid: SID, planSeq: 3, choice: '2' });
    expect(one).toBe(`lc|${SID}|3|full|2`);
    expect(decodeAction(one)).toEqual({ kind: 'full', sid: SID, planSeq: 3, choice: '2' });
    const less = encodeAction({ kind: 'full', sid: SID, planSeq: 3, choice: 'resolver', less: true });
    expect(decodeAction(less)).toEqual({
      kind: 'full',
      sid: SID,
      planSeq: 3,
      choice: 'resolver',
      less: true,
    });
    expect(decodeAction(`lc|${SID}|3|full|9`)).toBeNull();
  });

  it('shows the chosen card expanded, its button folding it back', () => {
    const message = view('2');
    expect(outgoingMessageSchema.safeParse(message).success).toBe(true);
    const card = message.blocks.find((b) => b.kind === 'option' && b.choice === '2');
    expect(card).toMatchObject({ expanded: true });
    const buttons = message.blocks.find((b) => b.kind === 'buttons' && b.for === '2');
    expect(buttons?.kind === 'buttons' && buttons.buttons.map((x) => x.label)).toEqual([
      'Vote 2',
      'Run 2',
      'Less of 2',
    ]);
    expect(renderFullText(plan, null, '2').blocks).toHaveLength(1);
  });
});

describe('Slack: a section per option with its vote beside it', () => {
  it.each(EXPANDED)('stays within Block Kit limits (expanded: %s)', (expanded) => {
    const rendered = renderSlackMessage(view(expanded));
    const blocks = rendered.blocks as unknown as Record<string, unknown>[];
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(totalBlockChars(rendered.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockText);
    const ids = new Set<string>();
    const sections = blocks.filter((b) => b.type === 'section') as {
      text: { text: string };
      accessory?: { action_id: string; value: string; text: { text: string } };
    }[];
    const buttons = [
      ...sections.flatMap((s) => (s.accessory ? [s.accessory] : [])),
      ...blocks.flatMap((b) =>
        b.type === 'actions'
          ? (b.elements as { action_id: string; value: string; text: { text: string } }[])
          : [],
      ),
    ];
    for (const s of sections) expect(s.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    for (const b of buttons) {
      expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
      expect(b.action_id.length).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
      expect(b.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      expect(ids.has(b.action_id)).toBe(false);
      ids.add(b.action_id);
    }
    // Every card's vote is the accessory of its own section; its run right under it.
    for (const choice of ['1', '2', '3', 'resolver']) {
      const i = sections.findIndex((s) => s.accessory?.value.endsWith(`|vote|${choice}`));
      expect(i).toBeGreaterThanOrEqual(0);
      const at = blocks.indexOf(sections[i] as Record<string, unknown>);
      const next = blocks.slice(at + 1).find((b) => b.type === 'actions') as {
        elements: { value: string }[];
      };
      expect(next.elements.map((e) => e.value.split('|').slice(3).join('|'))).toEqual([
        `run|${choice}`,
        `full|${choice}${expanded === choice ? '|less' : ''}`,
      ]);
    }
    expect(sections.some((s) => s.accessory?.value.endsWith('|run|vanilla'))).toBe(true);
    expect(rendered.uploads.map((u) => u.filename)).not.toContain('full-message.md');
    if (expanded) {
      const open = sections.find((s) => s.accessory?.value.endsWith(`|vote|${expanded}`));
      expect(open?.text.text.length).toBeGreaterThan(600);
    }
    console.info(
      `slack plan (expanded: ${expanded}): ${blocks.length}/${SLACK_LIMITS.blocksPerMessage} blocks, ${totalBlockChars(rendered.blocks)}/${SLACK_LIMITS.totalBlockText} chars, longest section ${Math.max(...sections.map((s) => s.text.text.length))}/${SLACK_LIMITS.sectionText}`,
    );
  });
});

describe('Discord: a row of labelled buttons per option', () => {
  it.each(EXPANDED)('stays within component and message limits (expanded: %s)', (expanded) => {
    const rendered = renderDiscordMessage(view(expanded));
    expect(rendered.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(rendered.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    const embedChars = rendered.embeds.reduce((n, e) => n + (e.description?.length ?? 0), 0);
    for (const e of rendered.embeds)
      expect(e.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(embedChars).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    expect(rendered.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
    const rows = rendered.components.map((r) => r.components.map((c) => c.label));
    expect(rows).toEqual([
      ['Vote 1', 'Run 1', expanded === '1' ? 'Less of 1' : 'Full text 1'],
      ['Vote 2', 'Run 2', expanded === '2' ? 'Less of 2' : 'Full text 2'],
      ['Vote 3', 'Run 3', expanded === '3' ? 'Less of 3' : 'Full text 3'],
      ['Vote resolver', 'Run resolver', expanded === 'resolver' ? 'Less of resolver' : 'Full text resolver'],
      ['Run vanilla control', 'Full text', 'Auto'],
    ]);
    for (const row of rendered.components) {
      expect(row.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonsPerRow);
      for (const b of row.components) {
        expect(b.custom_id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
        expect(b.label?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.buttonLabel);
      }
    }
    expect(rendered.content).not.toContain('more option(s) are not shown');
    expect(rendered.files.map((f) => f.name)).not.toContain('full-message.md');
    console.info(
      `discord plan (expanded: ${expanded}): content ${rendered.content.length}/${DISCORD_LIMITS.content}, ${rendered.embeds.length} embeds ${embedChars}/${DISCORD_LIMITS.embedsTotal} chars, ${rendered.components.length}/${DISCORD_LIMITS.rows} rows, overflow file: ${rendered.files.some((f) => f.name === 'full-message.md')}`,
    );
  });
});
