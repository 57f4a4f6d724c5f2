// The fair measure of plain-words intake (issue 21): phrasings written after the language, WordNet and abbreviation
// changes and never used to tune them (tests/helpers/fair-phrasings.ts). Prints the figure by kind and holds it.
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../bench/suite.ts';
import { DEFAULT_INTAKE_LIMITS, intakeTask } from '../../core/intake/index.ts';
import { FAIR_PHRASINGS, type FairPhrasing } from '../helpers/fair-phrasings.ts';

const suite = await loadSuite();

async function miss(task: FairPhrasing): Promise<string | null> {
  const entry = suite.tasks.find((t) => t.id === task.suite);
  if (!entry) throw new Error(`no suite task ${task.suite}`);
  try {
    const { spec } = await intakeTask(
      { text: task.text, files: [entry.file, ...entry.extraFiles] },
      DEFAULT_INTAKE_LIMITS,
    );
    const same =
      spec.targets.length === task.target.length && task.target.every((t) => spec.targets.includes(t));
    return same && spec.metric === task.metric
      ? null
      : `target ${spec.targets.join('+')}, metric ${spec.metric}`;
  } catch (error) {
    return `asked or refused: ${(error as Error).message.slice(0, 90)}`;
  }
}

describe('phrasings written after the change', () => {
  it('are understood: target and metric, by kind', { timeout: 180_000 }, async () => {
    const misses: { task: FairPhrasing; why: string }[] = [];
    for (const task of FAIR_PHRASINGS) {
      const why = await miss(task);
      if (why) misses.push({ task, why });
    }
    const kinds = ['language', 'meaning', 'plain'] as const;
    const figure = (kind?: FairPhrasing['kind']) => {
      const all = FAIR_PHRASINGS.filter((t) => !kind || t.kind === kind).length;
      return `${all - misses.filter((m) => !kind || m.task.kind === kind).length}/${all}`;
    };
    console.log(
      `fair phrasings understood: ${figure()} (${kinds.map((k) => `${k} ${figure(k)}`).join(', ')})\n${misses
        .map((m) => `${m.task.kind} ${m.task.suite}: "${m.task.text.slice(0, 60)}…" → ${m.why}`)
        .join('\n')}`,
    );
    expect(FAIR_PHRASINGS.length).toBeGreaterThanOrEqual(30);
    expect(FAIR_PHRASINGS.filter((t) => t.kind === 'language').length).toBeGreaterThanOrEqual(8);
    expect(FAIR_PHRASINGS.filter((t) => t.kind === 'meaning').length).toBeGreaterThanOrEqual(8);
    // The figure measured when the fixture was written (README): it may not fall.
    expect(misses.length).toBeLessThanOrEqual(MAX_MISSES);
  });
});

const MAX_MISSES = 2;
