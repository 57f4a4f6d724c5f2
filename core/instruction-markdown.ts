// An Instruction to and from the paper's markdown form (Appendix B), tolerant of how real models actually write it.
import { LinguacodusError } from './errors.ts';
import { type Instruction, SECTION_KEYS, SECTION_TITLES, type SectionKey } from './types.ts';

/**
 * The paper's form: a title line, then "#### Data Preprocessing:" and the other three sections with "- " bullets.
 * Empty sections are left out so that a parse of the output gives the same instruction back.
 */
export function renderInstruction(instruction: Instruction): string {
  const parts: string[] = [];
  const title = oneLine(instruction.title);
  if (title) parts.push(`### ${title}`);
  for (const key of SECTION_KEYS) {
    const steps = instruction[key].map(oneLine).filter(Boolean);
    if (steps.length === 0) continue;
    parts.push(`#### ${SECTION_TITLES[key]}:\n\n${steps.map((s) => `- ${s}`).join('\n')}`);
  }
  return `${parts.join('\n\n')}\n`;
}

type Target = SectionKey | 'other';

/** Heading labels, most specific first; the earliest match in a label wins ("Model Selection and Training"). */
const HEADING_SYNONYMS: { key: Target; pattern: RegExp }[] = [
  {
    key: 'submission',
    pattern:
      /\b(submission|submit|predictions?|predicting|inference|testing|test set|test data|output|post-?processing)\b/,
  },
  { key: 'modelTraining', pattern: /\b(split(ting)?|cross[- ]validation|validation)\b/ },
  {
    key: 'modelArchitecture',
    pattern:
      /\b(architecture|model selection|model definition|model design|model building|model setup|model choice|network|algorithm|ensembl(e|ing))\b/,
  },
  {
    key: 'modelTraining',
    pattern:
      /\b(train(ing)?|fit(ting)?|evaluat(e|ion)|hyper-?parameters?|tuning|optimi[sz](ation|er)|fine-?tun(e|ing)|compil(e|ation)|callbacks?|metrics?)\b/,
  },
  {
    key: 'dataPreprocessing',
    pattern:
      /\b(pre-?processing|preprocess|feature(s)?|engineering|cleaning|loading|preparation|augmentation|eda|exploratory|encoding|imbalanced|tokeni[sz]ation)\b/,
  },
  {
    key: 'other',
    pattern:
      /\b(other|additional|information|notes?|overall|summary|conclusion|libraries|imports?|setup|environment|misc|results?)\b/,
  },
];

/** Generic words that name a section only when nothing more specific does ("Model", "Data"). */
const GENERIC_HEADINGS: { key: Target; pattern: RegExp }[] = [
  { key: 'modelArchitecture', pattern: /\bmodels?\b/ },
  { key: 'dataPreprocessing', pattern: /\bdata(set)?\b/ },
];

/** Keywords that place a free sentence in a section; a sentence goes where it scores most. */
const SENTENCE_KEYWORDS: Record<SectionKey, RegExp[]> = {
  dataPreprocessing: [
    /pre-?process/,
    /\bclean/,
    /missing/,
    /imput/,
    /\bfill/,
    /encod/,
    /one-?hot/,
    /\bscal(e|ing|er)\b/,
    /normali[sz]/,
    /standardi[sz]/,
    /tokeni[sz]/,
    /stop ?words/,
    /stemm|lemmati/,
    /\bfeatures?\b/,
    /\b(load|read)(s|ed|ing)?\b/,
    /\.csv|\bcsv\b/,
    /resiz/,
    /augment/,
    /outlier/,
    /\bdrop/,
    /bag-of-words|tf-?idf/,
    /numerical representation/,
    /categorical/,
    /exploratory|\beda\b/,
  ],
  modelArchitecture: [
    /architecture/,
    /network/,
    /\blayers?\b/,
    /neural/,
    /\b(cnn|rnn|lstm|gru|mlp)s?\b/,
    /transformer|bert|roberta|gpt|resnet|efficientnet/,
    /xgboost|lightgbm|lgbm|catboost|random forest|gradient boost|decision tree|\bsvm|support vector/,
    /logistic regression|linear regression|ridge|lasso|elastic ?net/,
    /classifier|regressor/,
    /ensemble|stacking|blend/,
    /\balgorithm/,
    /\bbuild\b|\bdesign/,
    /activation|dropout|embedding/,
    /pre-?trained/,
  ],
  modelTraining: [
    /\btrain(s|ed|ing)?\b/,
    /\bfit(s|ted|ting)?\b/,
    /epoch/,
    /optimi[sz]er|\badam\b|\bsgd\b/,
    /learning rate/,
    /\bloss\b/,
    /cross-?validation|k-?fold|\bfolds?\b/,
    /hyper-?parameter|\btun(e|ed|ing)\b/,
    /early stopping/,
    /evaluat/,
    /validation/,
    /batch size/,
    /\bmetrics?\b/,
    /monitor/,
  ],
  submission: [
    /submission|submit/,
    /predict(s|ed|ing|ions?)?\b/,
    /test (set|data)/,
    /\bsave[sd]?\b|\bwrit(e|es|ten|ing)\b|to_csv/,
    /output file/,
  ],
};

/** Lines that are commentary around the instruction, not steps of it. */
const CHATTER =
  /^(note|notes|overall|in summary|in conclusion|to summari[sz]e|summary|by following|i believe|i hope|let me know|hope this|this (instruction|approach|solution) (should|will))\b/i;

const BULLET = /^(\s*)(?:[-*•+–●▪◦]|\d{1,2}[.)]|[a-hj-z][.)])\s+(.*)$/;
const MD_HEADING = /^\s{0,3}#{1,6}\s*(.+?)\s*#*\s*$/;

interface Heading {
  label: string;
  /** Markdown or bold: a heading even when we cannot place it; a plain "Label:" line is one only for known labels. */
  strong: boolean;
  /** Text after the heading on the same line ("Model Training: Train the model ..."). */
  rest: string;
}

/**
 * Reads an instruction from what a model wrote: markdown headings of any level, bold or plain "Label:" lines,
 * numbered sections, any bullet style, nested bullets, prose with or without headings and stray chatter around it.
 * Throws llm_bad_output only when no step at all can be found.
 */
export function parseInstruction(text: string, rank: number): Instruction {
  const body = stripWrapping(text);
  const sections: Record<SectionKey, string[]> = {
    dataPreprocessing: [],
    modelArchitecture: [],
    modelTraining: [],
    submission: [],
  };
  let title = '';
  let current: Target | null = null;
  let sawSection = false;
  /** Whether the current section has bullets yet: later prose after a blank line is then chatter. */
  let bulletsInCurrent = false;
  let lastWasBlank = false;
  let lastStep: { list: string[]; index: number; indent: number } | null = null;
  const preamble: { text: string; bullet: boolean }[] = [];
  let lastAssigned: SectionKey | null = null;
  /** Every section a combined heading names ("Model Architecture and Training"); steps are then split by keywords. */
  let combined: SectionKey[] = [];

  const add = (target: Target | null, step: string, indent: number): void => {
    const clean = cleanStep(step);
    if (!clean) return;
    let key: SectionKey;
    if (target === null || target === 'other') {
      key = classifySentence(clean, lastAssigned ?? 'dataPreprocessing');
    } else if (combined.length > 1 && combined.includes(target)) {
      const running = lastAssigned && combined.includes(lastAssigned) ? lastAssigned : target;
      key = classifySentence(clean, running, combined);
    } else {
      key = target;
    }
    sections[key].push(clean);
    lastAssigned = key;
    lastStep = { list: sections[key], index: sections[key].length - 1, indent };
  };

  for (const rawLine of body.split('\n')) {
    const line = rawLine.replace(/\t/g, '    ').replace(/\s+$/, '');
    if (!line.trim()) {
      lastWasBlank = true;
      continue;
    }
    const heading = readHeading(line);
    // "### Random forest regressor" above the first section is the instruction's title, not a section.
    const opensWithTitle = heading?.strong && !title && !sawSection && namesModelOnly(heading.label);
    const target = heading && !opensWithTitle ? classifyHeading(heading.label) : null;
    if (heading && (target || heading.strong)) {
      if (target) {
        sawSection = true;
        current = target;
        combined = headingSections(heading.label);
        bulletsInCurrent = false;
        lastStep = null;
        lastWasBlank = false;
        if (heading.rest) for (const s of splitSentences(heading.rest)) add(current, s, 0);
        continue;
      }
      if (!title && !sawSection && isTitleLike(heading.label)) {
        title = stripTitlePrefix(heading.label);
        lastWasBlank = false;
        continue;
      }
      // A heading we cannot place ("Approach", "Instruction option 2") is not a step; what follows it is judged on its own.
      if (sawSection) current = 'other';
      lastWasBlank = false;
      continue;
    }

    const bullet = BULLET.exec(line);
    if (bullet) {
      const indent = bullet[1]?.length ?? 0;
      const content = bullet[2] ?? '';
      if (!sawSection) preamble.push({ text: content, bullet: true });
      else {
        add(current, content, indent);
        bulletsInCurrent = true;
      }
      lastWasBlank = false;
      continue;
    }

    const indent = line.length - line.trimStart().length;
    const prose = line.trim();
    if (!sawSection) {
      preamble.push({ text: prose, bullet: false });
      lastWasBlank = false;
      continue;
    }
    const continuation = lastStep as { list: string[]; index: number; indent: number } | null;
    if (
      continuation &&
      !lastWasBlank &&
      (indent > 0 || !/[.!?:]$/.test(continuation.list[continuation.index] ?? ''))
    ) {
      // A wrapped bullet: the line continues the step above it.
      continuation.list[continuation.index] = `${continuation.list[continuation.index]} ${prose}`.trim();
    } else if (bulletsInCurrent && lastWasBlank) {
      // Prose after a finished bullet list ("Overall, the code ...") comments on the instruction.
      if (!CHATTER.test(prose)) for (const s of splitSentences(prose)) add('other', s, 0);
    } else {
      for (const s of splitSentences(prose)) add(current, s, 0);
    }
    lastWasBlank = false;
  }

  placePreamble(preamble, sawSection, sections, add);

  const total = SECTION_KEYS.reduce((n, k) => n + sections[k].length, 0);
  if (total === 0) {
    throw new LinguacodusError(
      'llm_bad_output',
      `The model's answer for instruction ${rank} held no steps for data preprocessing, model architecture, training or submission.`,
      { cause: new Error(`unparseable instruction: ${text.slice(0, 500)}`) },
    );
  }
  return {
    rank,
    title: title || deriveTitle(sections, rank),
    ...sections,
    recipe: null,
  };
}

/** Text before the first section: bullets are steps (a lost first heading), prose is chatter unless nothing else exists. */
function placePreamble(
  preamble: { text: string; bullet: boolean }[],
  sawSection: boolean,
  sections: Record<SectionKey, string[]>,
  add: (target: Target | null, step: string, indent: number) => void,
): void {
  if (preamble.length === 0) return;
  if (!sawSection) {
    for (const item of preamble) {
      if (CHATTER.test(item.text)) continue;
      for (const s of item.bullet ? [item.text] : splitSentences(item.text)) add(null, s, 0);
    }
    return;
  }
  const leadingBullets = preamble.filter((p) => p.bullet).map((p) => cleanStep(p.text));
  if (leadingBullets.length === 0) return;
  // Leading bullets before "Model Architecture" are the preprocessing steps whose heading was lost (Tables B.3, B.4).
  sections.dataPreprocessing.unshift(...leadingBullets.filter(Boolean));
}

function stripWrapping(text: string): string {
  let body = text.replace(/\r\n?/g, '\n');
  const inst = body.lastIndexOf('[/INST]');
  if (inst >= 0) body = body.slice(inst + '[/INST]'.length);
  body = body.replace(/<\/?s>/g, '');
  // A whole answer wrapped in a ``` fence is still markdown.
  body = body.replace(/^\s*```(?:markdown|md|text)?\s*\n([\s\S]*?)\n```\s*$/i, '$1');
  return body;
}

function readHeading(line: string): Heading | null {
  const md = MD_HEADING.exec(line);
  if (md?.[1]) return splitLabel(md[1].replace(/\*\*/g, '').trim());

  const trimmed = line.trim();
  // **Model Architecture:** or **Model Architecture**: with optional text after it; also as a bullet ("- **Training:**").
  const bold = /^([-*•]\s+)?(?:\d{1,2}[.)]\s*)?\*\*([^*]+?)\*\*\s*:?\s*(.*)$/.exec(trimmed);
  // A bulleted "- **Loss:** cross-entropy" is a step with a bold lead-in, not a section.
  if (bold?.[2] && !(bold[1] && bold[3])) {
    const label = bold[2].replace(/:\s*$/, '').trim();
    const rest = (bold[3] ?? '').trim();
    if (wordCount(label) <= 7) return { label, rest, strong: !rest || isSectionLabel(label) };
  }
  // "1. Data Preprocessing:" or "2) Model Architecture" (a numbered section, not a numbered step).
  const numbered = /^\d{1,2}[.)]\s+([A-Za-z][A-Za-z /&,-]{2,60}?)\s*:?\s*$/.exec(trimmed);
  if (numbered?.[1] && wordCount(numbered[1]) <= 6 && classifyHeading(numbered[1])) {
    return { label: numbered[1].trim(), rest: '', strong: false };
  }
  const numberedInline = /^\d{1,2}[.)]\s+([A-Za-z][A-Za-z /&,-]{2,60}?):\s+(.+)$/.exec(trimmed);
  if (numberedInline?.[1] && wordCount(numberedInline[1]) <= 5 && isSectionLabel(numberedInline[1])) {
    return { label: numberedInline[1].trim(), rest: numberedInline[2] ?? '', strong: false };
  }
  // Plain "Model Training:" on its own line, or "Model Training: Train the model ..." with a known label.
  if (!BULLET.test(line)) {
    const plain = /^([A-Za-z][A-Za-z /&,()-]{2,60}?):\s*(.*)$/.exec(trimmed);
    if (plain?.[1]) {
      const label = plain[1].trim();
      const rest = (plain[2] ?? '').trim();
      if (!rest && wordCount(label) <= 7 && classifyHeading(label)) return { label, rest, strong: false };
      if (rest && wordCount(label) <= 5 && isSectionLabel(label)) return { label, rest, strong: false };
    }
  }
  return null;
}

function splitLabel(label: string): Heading {
  const colon = /^([^:]{2,60}):\s*(.*)$/.exec(label);
  if (colon?.[1] && colon[2] && isSectionLabel(colon[1])) {
    return { label: colon[1].trim(), rest: colon[2].trim(), strong: true };
  }
  return { label: label.replace(/:\s*$/, ''), rest: '', strong: true };
}

/** Whether a label names one of the four sections (not just "other"). */
function isSectionLabel(label: string): boolean {
  const target = classifyHeading(label);
  return target !== null && target !== 'other';
}

/** The section a heading names, 'other' for headings about something else we still read, null for non-sections. */
export function classifyHeading(label: string): Target | null {
  const text = label
    .toLowerCase()
    .replace(/^\s*(step\s*)?\d{1,2}[.):]?\s*/, '')
    .replace(/[*_`#]/g, '')
    .trim();
  if (!text || wordCount(text) > 8) return null;
  if (
    /\b(instruction|option|solution|approach|plan)\b/.test(text) &&
    !/\b(data|model|train|submission|predict)/.test(text)
  )
    return null;
  let best: { key: Target; at: number; order: number } | null = null;
  HEADING_SYNONYMS.forEach(({ key, pattern }, order) => {
    const match = pattern.exec(text);
    if (!match) return;
    const at = match.index;
    if (!best || at < best.at || (at === best.at && order < best.order)) best = { key, at, order };
  });
  const found = best as { key: Target } | null;
  if (found) return found.key;
  return GENERIC_HEADINGS.find(({ pattern }) => pattern.test(text))?.key ?? null;
}

/** Every section a heading names, in order of appearance ("Model Selection and Training" → both). */
function headingSections(label: string): SectionKey[] {
  const text = label.toLowerCase();
  const found: { key: SectionKey; at: number }[] = [];
  for (const { key, pattern } of HEADING_SYNONYMS) {
    if (key === 'other') continue;
    const match = pattern.exec(text);
    if (match && !found.some((f) => f.key === key)) found.push({ key, at: match.index });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.key);
}

/**
 * The section a free sentence belongs to, by keyword score; ties keep the running section. Sections named by
 * the heading above the sentence (`preferred`) get half a point, so a clear keyword win elsewhere still moves it.
 */
function classifySentence(sentence: string, fallback: SectionKey, preferred: SectionKey[] = []): SectionKey {
  const text = sentence.toLowerCase();
  let bestKey: SectionKey = fallback;
  let bestScore = 0;
  for (const key of SECTION_KEYS) {
    const bonus = preferred.includes(key) ? 0.5 : 0;
    const score = SENTENCE_KEYWORDS[key].reduce((n, re) => n + (re.test(text) ? 1 : 0), bonus);
    if (score > bestScore || (score === bestScore && score > 0 && key === fallback)) {
      bestKey = key;
      bestScore = score;
    }
  }
  return bestKey;
}

function cleanStep(step: string): string {
  // A step says something: "..." or "---" is not one.
  if (!/[A-Za-z]/.test(step)) return '';
  return (
    step
      .trim()
      // "- -Read the data" and "- o Loss Function" from PDF-flattened lists
      .replace(/^(?:[-–•*]\s*)+/, '')
      .replace(/^o\s+(?=[A-Z])/, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function splitSentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[A-Z(])/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !CHATTER.test(s));
}

/** A label that names a model ("Gradient boosting network") and no section word. */
function namesModelOnly(label: string): boolean {
  const names = NAMED_NETWORK.test(label) || MODEL_NAMES.some(([re]) => re.test(label));
  return (
    names &&
    !/\b(architecture|pre-?processing|preprocess|training|train|submission|prediction|evaluation|data|features?|selection)\b/i.test(
      label,
    )
  );
}

function isTitleLike(label: string): boolean {
  const text = stripTitlePrefix(label);
  return text.length > 0 && text.length <= 120;
}

/** "Instruction option 2: LightGBM with CV" → "LightGBM with CV". */
function stripTitlePrefix(label: string): string {
  return label
    .replace(/^(improved\s+)?(instruction|solution)(\s+option)?(\s*#?\d)?\s*[:.-]?\s*/i, '')
    .replace(/^(\d+(st|nd|rd|th)|first|second|third)\s+place\s+(instruction|solution)\s*[:.-]?\s*/i, '')
    .replace(/[*_`]/g, '')
    .replace(/:\s*$/, '')
    .trim();
}

/** Named networks and transformers, kept as the answer spells them ("DenseNet201", "DeBERTa-v3"). */
const NAMED_NETWORK =
  /\b(DenseNet\d*|ResNet\d*|ResNeXt\d*|EfficientNet[\w-]*|VGG\d*|Inception[\w-]*|Xception|MobileNet\w*|U-?Net|YOLO\w*|XLM-RoBERTa|DistilBERT|DeBERTa[\w-]*|ALBERT|ELECTRA|GPT-?\d\w*|T5|Wav2Vec\w*|Swin\w*|ViT)\b/;

const MODEL_NAMES: [RegExp, string][] = [
  [/lightgbm|lgbm/i, 'LightGBM'],
  [/xgboost|xgb/i, 'XGBoost'],
  [/catboost/i, 'CatBoost'],
  [/hist\s*gradient\s*boosting/i, 'HistGradientBoosting'],
  [/gradient[- ]boost/i, 'Gradient boosting'],
  [/random forest/i, 'Random forest'],
  [/extra trees/i, 'Extra trees'],
  [/roberta/i, 'RoBERTa'],
  [/\bbert\b/i, 'BERT'],
  [/transformer/i, 'Transformer'],
  [/\blstm\b/i, 'LSTM'],
  [/\bcnn\b|convolutional/i, 'CNN'],
  [/logistic regression/i, 'Logistic regression'],
  [/ridge/i, 'Ridge regression'],
  [/lasso/i, 'Lasso regression'],
  [/elastic ?net/i, 'Elastic net'],
  [/linear regression/i, 'Linear regression'],
  [/\bsvm\b|support vector/i, 'SVM'],
  [/tf-?idf/i, 'TF-IDF'],
  [/neural network|\bmlp\b/i, 'Neural network'],
];

/** A short title from the models the instruction names, else from its first architecture step. */
function deriveTitle(sections: Record<SectionKey, string[]>, rank: number): string {
  const text = [...sections.modelArchitecture, ...sections.modelTraining].join(' ');
  const names: string[] = [];
  const network = NAMED_NETWORK.exec(text)?.[1];
  if (network) names.push(network);
  for (const [re, name] of MODEL_NAMES) {
    if (re.test(text) && !names.includes(name)) names.push(name);
    if (names.length === 2) break;
  }
  if (names.length > 0) return names.join(' + ');
  const first = sections.modelArchitecture[0] ?? SECTION_KEYS.map((k) => sections[k][0]).find(Boolean);
  if (first) {
    const short = first.replace(/[.:]$/, '');
    return short.length <= 80 ? short : `${short.slice(0, 77).replace(/\s+\S*$/, '')}...`;
  }
  return `Instruction ${rank}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function wordCount(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}
