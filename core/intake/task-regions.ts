// Where a task says what to predict and where it lists what to predict it from: "Predict how old a crab is | from
// its sex, length and weights." A column named in the first part is likely the target, in the second a feature.

export type RegionKind = 'target' | 'feature' | 'neutral';

export interface Region {
  kind: RegionKind;
  start: number;
  end: number;
}

/** Words that start saying what is wanted. */
const ASKING =
  /\b(?:predict\w*|forecast\w*|estimat\w*|classif\w*|detect\w*|model(?:ling)?|guess\w*|tell|work out|find|flag\w*|spot\w*|catch\w*|rate|grade|filter\w*|identify\w*|determin\w*|figure out|know|score(?!\s+(?:by|with|on|it|using)\b)|comput\w*|calculat\w*|infer\w*|anticipat\w*|project\w*|target(?: column| variable)?|label)\b/i;
/** A question's opening word: the question says what is wanted. */
const QUESTION_START = /^(?:how|what|which|who|whether|will|would|does|do|did|is|are|can|should)\b/i;
const WH_WORD = /\b(?:how|what|which|who|whether)\b/i;
/** Where the inputs begin ("from its sex and length", "using the PCA features", "given the weather"). */
const FEATURES_START =
  /\b(?:from(?! \d)|using|use|given|based on|with (?:its|their|his|her)|by looking at|according to)\b/i;

/** Sentences (and clauses after a semicolon), with their offsets. */
function sentences(text: string): { start: number; end: number; question: boolean }[] {
  const out: { start: number; end: number; question: boolean }[] = [];
  const stops = /[.!?;\n]+(?=\s|$)|\n/g;
  let start = 0;
  for (const m of text.matchAll(stops)) {
    const end = m.index ?? 0;
    if (end > start) out.push({ start, end, question: m[0].includes('?') });
    start = end + m[0].length;
  }
  if (start < text.length) out.push({ start, end: text.length, question: false });
  return out;
}

/** Lists in parentheses with a comma are inputs ("(sex, length, diameter)"). */
function parentheses(text: string, start: number, end: number): Region[] {
  const out: Region[] = [];
  for (const m of text.slice(start, end).matchAll(/\([^()]*,[^()]*\)/g)) {
    const at = start + (m.index ?? 0);
    out.push({ kind: 'feature', start: at, end: at + m[0].length });
  }
  return out;
}

/**
 * The regions of a task text. `wholeIsTarget` reads a short reply in a thread ("no, how old they are"), which names
 * what is wanted without a verb, as asking throughout.
 */
export function taskRegions(text: string, wholeIsTarget = false): Region[] {
  const regions: Region[] = [];
  for (const s of sentences(text)) {
    const body = text.slice(s.start, s.end);
    const lead = body.length - body.trimStart().length;
    const trimmed = body.trimStart();
    const ask = ASKING.exec(body);
    const question = s.question || QUESTION_START.test(trimmed);
    const features = FEATURES_START.exec(body);
    let targetFrom: number | null = null;
    const whAfterFeatures = features && question && !ask && !QUESTION_START.test(trimmed);
    if (whAfterFeatures) targetFrom = null;
    else if (ask && (!features || ask.index < features.index)) targetFrom = ask.index;
    else if (question && (!features || features.index > lead)) targetFrom = lead;
    else if (wholeIsTarget && (!features || features.index > lead)) targetFrom = lead;
    if (targetFrom === null && features) {
      // "Given the weather, what is the yield?": the question after the inputs asks.
      const after = body.slice(features.index);
      const wh = WH_WORD.exec(after.slice(features[0].length));
      if (wh) {
        const whAt = features.index + features[0].length + wh.index;
        regions.push({ kind: 'feature', start: s.start + features.index, end: s.start + whAt });
        regions.push({ kind: 'target', start: s.start + whAt, end: s.end });
        continue;
      }
    }
    if (targetFrom === null) {
      regions.push({ kind: features ? 'feature' : 'neutral', start: s.start, end: s.end });
      continue;
    }
    const featureAt = features && features.index > targetFrom ? features.index : body.length;
    if (targetFrom > 0) regions.push({ kind: 'neutral', start: s.start, end: s.start + targetFrom });
    regions.push({ kind: 'target', start: s.start + targetFrom, end: s.start + featureAt });
    if (featureAt < body.length) regions.push({ kind: 'feature', start: s.start + featureAt, end: s.end });
  }
  // Parenthesised lists are inputs wherever they stand; they cut the region around them.
  const lists = parentheses(text, 0, text.length);
  if (lists.length === 0) return regions;
  return regions.flatMap((r) => {
    const inside = lists.filter((l) => l.start >= r.start && l.end <= r.end);
    if (inside.length === 0 || r.kind === 'feature') return [r];
    const out: Region[] = [];
    let at = r.start;
    for (const l of inside) {
      if (l.start > at) out.push({ kind: r.kind, start: at, end: l.start });
      out.push(l);
      at = l.end;
    }
    if (at < r.end) out.push({ kind: r.kind, start: at, end: r.end });
    return out;
  });
}

/** The kind of region a text position falls in. */
export function regionAt(regions: Region[], at: number): RegionKind {
  return regions.find((r) => at >= r.start && at < r.end)?.kind ?? 'neutral';
}
