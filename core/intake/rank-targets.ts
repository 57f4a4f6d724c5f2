// Ranks the columns a task may want predicted, each with the evidence for it in words: the column named or a form of
// its name in what the task asks, a synonym or paraphrase ("how old" for `Age`), one of its values ("spam"), its
// kind against the metric and the question ("which", "how much"), its place, and the file to predict for.
// The metric registry (core/metrics.ts), shared with the harness, which reads tables through this room's index.
import { METRICS } from '../metrics.ts';
import type { MetricName } from '../types.ts';
import { type ColumnFact, holdsClasses, holdsQuantity } from './column-facts.ts';
import { normalizeName, normalizeText } from './column-names.ts';
import { ABBREVIATIONS, GENERIC_LABEL_NAME, TARGET_CONCEPTS } from './target-lexicon.ts';
import { type Region, type RegionKind, regionAt, taskRegions } from './task-regions.ts';
import { sameStem, stem, type Word, wordsOf } from './word-forms.ts';
import { meaningRelation, type Relation, relatedStems } from './word-meanings.ts';

export interface TargetSignal {
  /** What it rests on: the words of the task (name, concept, value), or the column's kind, place or absence. */
  kind: 'words' | 'fit' | 'place' | 'test';
  points: number;
  /** The evidence in words, for the reason shown to the user ("“how old” asks for an age"). */
  says: string;
}

export interface TargetCandidate {
  column: string;
  score: number;
  /** Strongest first. */
  signals: TargetSignal[];
}

export interface RankOptions {
  /** The kind of metric the task names: classes (accuracy, ROC AUC...) or a quantity (RMSE, MAE...). */
  metricWants: 'classes' | 'quantity' | null;
  metric: MetricName | null;
  /** Columns that cannot be the target (the id column). */
  excluded: ReadonlySet<string>;
  /** Columns the file to predict for lacks, and its name. */
  missingFromTest?: { columns: string[]; file: string };
  /** Read a short reply ("how old they are") as asking throughout. */
  wholeIsTarget?: boolean;
}

const POINTS = {
  name: { target: 10, neutral: 3, feature: -6 },
  concept: { target: 8, neutral: 3, feature: 0 },
  value: { target: 6, neutral: 2, feature: 0 },
  conceptMismatch: -5,
  metricFit: 3,
  metricMisfit: -5,
  cueFit: 2,
  genericLabel: 4,
  last: 1.5,
  only: 6,
  notListed: 2.5,
  missingFromTest: 20,
} as const;

/** Words of a column name that say nothing on their own. */
const NAME_STOPWORDS = new Set(['of', 'the', 'in', 'on', 'per', 'and', 'to', 'at', 'by', 'for', 'a', 'an']);
/** Values that name no class in words. */
const PLAIN_VALUES = new Set([
  'yes',
  'no',
  'true',
  'false',
  't',
  'f',
  'y',
  'n',
  'none',
  'other',
  'unknown',
  'na',
]);
const CLASS_CUE =
  /\b(?:whether|which|who|probabilit\w*|chances?|likel\w*|odds|flag\w*|detect\w*|spot\w*|catch\w*|classif\w*|identify\w*|tell \w+ from|yes or no|or not|filter\w*)\b|(?:^|[.?!]\s*)(?:will|is|are|does|do|did|can)\b/;
const QUANTITY_CUE =
  /\bhow (?:much|many|old|long|big|cold|hot|warm|far)\b|\bamount\b|\blevel\b|\bconcentration\b|\bworth\b|\bnumber of\b|\bregression\b/;

const RANK: Record<RegionKind, number> = { target: 2, neutral: 1, feature: 0 };
const better = (a: RegionKind | null, b: RegionKind): RegionKind => (a === null || RANK[b] > RANK[a] ? b : a);
const quoted = (s: string) => `“${s}”`;

interface NameMatch {
  region: RegionKind;
  /** The share of the name's words the text holds, a word matched only by its beginning counting 0.6. */
  coverage: number;
  says: string;
  /** Every word of it matched by meaning only (WordNet), none by spelling. */
  byMeaning: boolean;
}

/** "for each passenger", "every hour", "per day": the rows' unit, not what is asked. */
const UNIT_BEFORE = /\b(?:each|every|per)\s+$/;

/** Units and scales a column name carries beside its words (`dist_km`, `price_usd`): not what the task says. */
const UNIT_WORDS = new Set(
  'km kg mm cm nm mg ml kwh kw mw mpa kpa pa psi bar mph kmh ms sec secs hr hrs usd eur gbp jpy pct ppm ppb deg degc degf'.split(
    ' ',
  ),
);

/**
 * A column's short form of a word the task spells out: its beginning (`dist` for "distance", `max` for "maximum"),
 * or, for a short form without vowels, its consonants in order (`tmp` for "temperature", `qty` for "quantity").
 */
export function abbreviates(short: string, word: string): boolean {
  if (short.length < 3 || word.length < short.length + 2 || short[0] !== word[0]) return false;
  if (word.startsWith(short)) return true;
  if (/[aeiou]/.test(short.slice(1))) return false;
  let at = 0;
  for (const c of word) if (c === short[at]) at++;
  return at === short.length;
}

/** How much of a column's name the text mentions, and where: each name word by its best region. */
function nameMatch(column: string, words: Word[], regions: Region[], lower: string): NameMatch | null {
  const all = wordsOf(column.replace(/\[[^\]]*\]|\([^)]*\)/g, ' '));
  const named = all.filter((w) => w.word.length >= 2 && !NAME_STOPWORDS.has(w.word));
  const significant = named.some((w) => !UNIT_WORDS.has(w.word))
    ? named.filter((w) => !UNIT_WORDS.has(w.word))
    : named;
  // A one-letter name ("y") counts only written as itself.
  const own = significant.length > 0 ? significant : all.length === 1 ? all : [];
  if (own.length === 0) return null;
  let matched = 0;
  let best: RegionKind | null = null;
  let said: string | null = null;
  let exact = true;
  let meant: { said: string; column: string; how: Relation } | null = null;
  let spelledOut = false;
  for (const cw of own) {
    const spelled = ABBREVIATIONS[cw.word] ?? [];
    let region: RegionKind | null = null;
    let hit: Word | null = null;
    let weight = 0;
    let how: Relation | null = null;
    for (const tw of words) {
      if (UNIT_BEFORE.test(lower.slice(Math.max(0, tw.at - 12), tw.at))) continue;
      const numeric = /^[0-9]/.test(cw.word);
      const equal = numeric ? tw.word === cw.word : cw.stem === tw.stem;
      const short = !numeric && (spelled.includes(tw.word) || abbreviates(cw.word, tw.word));
      const same = equal || short || (!numeric && sameStem(cw.stem, tw.stem));
      // By meaning (WordNet): a synonym, a hypernym or a derivation of the task's word.
      const relation = same || numeric ? null : meaningOf(cw, tw);
      if (!same && !relation) continue;
      const r = regionAt(regions, tw.at);
      // By meaning only where the task asks or lists its inputs: "Here is the passenger list" names no column.
      if (relation && r === 'neutral') continue;
      const w = equal || short ? 1 : relation ? MEANING_WEIGHT[relation] : 0.6;
      if (region === null || RANK[r] > RANK[region] || (RANK[r] === RANK[region] && w > weight)) {
        region = r;
        hit = tw;
        weight = w;
        how = relation;
      }
    }
    if (region === null || hit === null) continue;
    matched += weight;
    best = better(best, region);
    if (hit.word !== cw.word) exact = false;
    if (how && (meant === null || region === 'target')) meant = { said: hit.word, column: cw.word, how };
    if (!how) spelledOut = true;
    if (said === null || region === 'target') said = hit.word;
  }
  if (best === null || said === null) return null;
  const coverage = matched / own.length;
  const says =
    exact && coverage === 1
      ? 'the task names it'
      : meant && meant.said === said
        ? meant.how === 'synonym'
          ? `${quoted(said)} means ${quoted(meant.column)}`
          : meant.how === 'hypernym'
            ? `${quoted(said)} is a kind of ${quoted(meant.column)}`
            : `${quoted(said)} is a form of its name`
        : `${quoted(said)} is a form of its name`;
  return { region: best, coverage, says, byMeaning: !spelledOut };
}

/** A word matched by meaning counts for less than one spelled out; a hypernym least ("wine" is a kind of "alcohol"). */
const MEANING_WEIGHT: Record<Relation, number> = { synonym: 0.5, derivation: 0.5, hypernym: 0.3 };

function meaningOf(cw: Word, tw: Word): Relation | null {
  if (cw.word.length < 3 || tw.word.length < 3) return null;
  const byStem = relatedStems(tw.word, stem).get(cw.stem);
  return byStem ?? meaningRelation(cw.word, tw.word);
}

/** The best region where a pattern matches the text, and the words it matched. */
function patternMatch(
  pattern: RegExp,
  lower: string,
  regions: Region[],
): { region: RegionKind; said: string } | null {
  let found: { region: RegionKind; said: string } | null = null;
  for (const m of lower.matchAll(new RegExp(pattern.source, 'g'))) {
    const region = regionAt(regions, m.index ?? 0);
    if (!found || RANK[region] > RANK[found.region]) found = { region, said: m[0] };
  }
  return found;
}

/** A value of the column written in the text ("spam", ">50K"), as whole words. */
function valueMatch(
  fact: ColumnFact,
  words: Word[],
  regions: Region[],
): { region: RegionKind; said: string } | null {
  let found: { region: RegionKind; said: string } | null = null;
  for (const value of fact.values) {
    const norm = normalizeText(value);
    if (norm.length < 2 || /^[0-9 ]+$/.test(norm) || PLAIN_VALUES.has(norm)) continue;
    const own = wordsOf(value);
    if (own.length === 0) continue;
    for (let i = 0; i + own.length <= words.length; i++) {
      if (!own.every((w, k) => words[i + k]?.stem === w.stem)) continue;
      const region = regionAt(regions, words[i]!.at);
      if (!found || RANK[region] > RANK[found.region]) found = { region, said: value };
    }
  }
  return found;
}

/** Ranks the columns that could be the target, highest score first; columns with nothing for them score 0 or less. */
export function rankTargets(text: string, facts: ColumnFact[], options: RankOptions): TargetCandidate[] {
  const regions = taskRegions(text, options.wholeIsTarget);
  const words = wordsOf(text);
  const lower = text.toLowerCase();
  const asked = regions
    .filter((r) => r.kind === 'target')
    .map((r) => lower.slice(r.start, r.end))
    .join(' ');
  // A question's own words first: "how much is it worth" asks for a quantity even though it contains "is".
  const quantityCue = QUANTITY_CUE.test(asked || lower);
  const wantsQuantity = options.metricWants === 'quantity' || (options.metricWants === null && quantityCue);
  const wantsClasses =
    options.metricWants === 'classes' ||
    (options.metricWants === null && !quantityCue && (CLASS_CUE.test(asked) || /\bclassif/.test(lower)));
  const concepts = TARGET_CONCEPTS.map((concept) => ({
    concept,
    hit: patternMatch(concept.asked, lower, regions),
  }));
  const names = new Map(facts.map((f) => [f.name, nameMatch(f.name, words, regions, lower)]));
  const listed = [...names.values()].filter((m) => m && m.region === 'feature' && m.coverage >= 0.5).length;
  const eligible = facts.filter(
    (f) => !options.excluded.has(f.name) && !['id', 'constant', 'text', 'datetime'].includes(f.kind),
  );
  const last = eligible[eligible.length - 1]?.name;

  return eligible
    .map((fact) => {
      const signals: TargetSignal[] = [];
      const add = (points: number, says: string, kind: TargetSignal['kind'] = 'words') =>
        signals.push({ kind, points, says });
      const name = names.get(fact.name);
      // A name matched by meaning only says what a concept found in the same words says: counted once.
      const conceptHit =
        name?.byMeaning === true &&
        concepts.some(
          ({ concept, hit }) =>
            hit && hit.region !== 'feature' && concept.held.test(normalizeName(fact.name)),
        );
      if (name && !conceptHit && (name.region !== 'feature' || name.coverage >= 0.5)) {
        add(
          POINTS.name[name.region] * name.coverage,
          name.region === 'feature' ? 'the task lists it as an input' : name.says,
        );
      }
      const normName = normalizeName(fact.name);
      for (const { concept, hit } of concepts) {
        if (!hit || hit.region === 'feature') continue;
        const byName = concept.held.test(normName);
        // A value must be the concept's word itself ("spam"), not merely hold it ("Without-pay").
        const whole = new RegExp(`^(?:${concept.held.source})$`);
        const byValue =
          !byName && concept.holds !== 'quantity' && fact.values.some((v) => whole.test(normalizeText(v)));
        if (!byName && !byValue) continue;
        add(
          POINTS.concept[hit.region],
          byName
            ? `${quoted(hit.said)} asks for ${concept.what}`
            : `${quoted(hit.said)} asks for ${concept.what}, and its values say so`,
        );
        const fits =
          concept.holds === 'either' ||
          (concept.holds === 'classes' ? holdsClasses(fact) : holdsQuantity(fact) || fact.kind === 'numeric');
        if (!fits) add(POINTS.conceptMismatch, `it does not hold ${concept.holds}`, 'fit');
        break;
      }
      const value = valueMatch(fact, words, regions);
      if (value && value.region !== 'feature') {
        add(POINTS.value[value.region], `the task mentions its value ${quoted(value.said)}`);
      }
      if (wantsClasses) {
        if (holdsClasses(fact))
          add(
            options.metricWants ? POINTS.metricFit : POINTS.cueFit,
            fitSays(fact, options.metric, 'classes'),
            'fit',
          );
        else if (options.metricWants)
          add(
            POINTS.metricMisfit,
            `${options.metric ? METRICS[options.metric].label : 'the metric'} needs classes`,
            'fit',
          );
      } else if (wantsQuantity) {
        if (holdsQuantity(fact) && !holdsClasses(fact))
          add(
            options.metricWants ? POINTS.metricFit : POINTS.cueFit,
            fitSays(fact, options.metric, 'quantity'),
            'fit',
          );
        else if (options.metricWants && fact.kind !== 'numeric')
          add(
            POINTS.metricMisfit,
            `${options.metric ? METRICS[options.metric].label : 'the metric'} needs numbers`,
            'fit',
          );
      }
      if (GENERIC_LABEL_NAME.test(normName) && holdsClasses(fact)) {
        add(wantsClasses ? POINTS.genericLabel : 1, 'its name marks a label', 'fit');
      }
      if (eligible.length === 1) add(POINTS.only, 'it is the only column that can be predicted', 'place');
      else if (fact.name === last) add(POINTS.last, 'it is the last column', 'place');
      if (listed >= 3 && !name) add(POINTS.notListed, 'the task lists the other columns as inputs', 'place');
      const missing = options.missingFromTest;
      if (missing?.columns.includes(fact.name))
        add(POINTS.missingFromTest, `it is the column missing from ${missing.file}`, 'test');
      signals.sort((a, b) => b.points - a.points);
      const score = signals.reduce((s, x) => s + x.points, 0);
      return { column: fact.name, score: Math.round(score * 10) / 10, signals };
    })
    .sort((a, b) => b.score - a.score);
}

function fitSays(fact: ColumnFact, metricName: MetricName | null, wants: 'classes' | 'quantity'): string {
  const metric = metricName ? METRICS[metricName].label : null;
  const holds =
    wants === 'quantity'
      ? 'it holds numbers'
      : fact.distinct === 2
        ? 'it holds two classes'
        : `it holds ${fact.distinct} classes`;
  return metric ? `${holds}, as ${metric} needs` : `${holds}, as the question asks`;
}

/** A score a column must reach to be taken without asking, and its lead over the next. */
const CONFIDENT = 6;
const MARGIN = 3;
const SEVERAL =
  /\b(?:two|both|three|several|multiple)\b[^.;]{0,40}\b(?:scores?|marks?|targets?|values?|ratings?|outputs?|grades?|columns?)\b/i;

const fromWords = (c: TargetCandidate) => c.signals.some((s) => s.kind === 'words' && s.points >= CONFIDENT);

/**
 * The target(s) the ranking settles, or null when it does not: the top column, when it scores enough and clearly
 * beats the next; several quantities the words each name, when the task or its metric wants several ("two scores",
 * MCRMSE) or two such columns are asked for together ("... and ...").
 */
export function decideTargets(
  ranked: TargetCandidate[],
  facts: ColumnFact[],
  text: string,
  metric: MetricName | null,
): string[] | null {
  const [top, next] = ranked;
  if (!top || top.score < CONFIDENT) return null;
  const quantity = (c: TargetCandidate) => {
    const fact = facts.find((f) => f.name === c.column);
    return fact !== undefined && holdsQuantity(fact) && !holdsClasses(fact);
  };
  const several = ranked.filter((c) => c.score >= CONFIDENT && fromWords(c) && quantity(c));
  const together =
    next !== undefined && top.score - next.score < MARGIN && several.includes(next) && /\band\b/i.test(text);
  if (
    several.length >= 2 &&
    several.includes(top) &&
    (metric === 'mcrmse' || SEVERAL.test(text) || together)
  ) {
    // In the file's order, as the harness writes them.
    return facts.filter((f) => several.some((c) => c.column === f.name)).map((f) => f.name);
  }
  if (next && top.score - next.score < MARGIN) return null;
  return [top.column];
}
