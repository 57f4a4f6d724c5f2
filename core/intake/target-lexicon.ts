// The things people ask a model to predict, in the words they use for them and the names columns give them: "how old"
// is an age, "sell for" a price, "leave the bank" a churn flag. General English, not one data set's vocabulary.

export interface TargetConcept {
  /** What the words ask for, for the reason shown to the user ("an age"). */
  what: string;
  /** Words of a task that ask for it (matched in lower case). */
  asked: RegExp;
  /** A column name (as lower-case words) or a class value that holds it. */
  held: RegExp;
  /** What such a target holds: a quantity, classes, or either. */
  holds: 'quantity' | 'classes' | 'either';
}

export const TARGET_CONCEPTS: readonly TargetConcept[] = [
  {
    what: 'an age',
    asked:
      /\bhow old\b|\b(?:years|months|weeks|days) old\b|\bhow long\b.{0,30}\b(?:lived|alive|been around)\b/,
    held: /\bage[sd]?\b/,
    holds: 'quantity',
  },
  {
    what: 'a price or value',
    asked:
      /\bworth\b|\bsells? for\b|\bsold for\b|\bselling for\b|\bwent for\b|\bgoes for\b|\bcosts?\b|\bpric(?:e|es|ed|ing)\b|\bvalu(?:e|es|ed|ation)\b|\bhow much\b.{0,40}\b(?:pay|paid|charge|fetch)\b/,
    held: /\bprice\b|\bvalue\b|\bcost\b|\bworth\b|\bsaleprice\b|\bcharges?\b|\brent\b/,
    holds: 'quantity',
  },
  {
    what: 'whether a customer leaves',
    asked:
      /\bchurn\w*\b|\bleav(?:e|es|ing)\b|\bleft\b|\bquit\w*\b|\bclos(?:e|es|ing|ed)\b.{0,20}\baccounts?\b|\bcancel\w*\b|\bstay\w*\b|\battrition\b|\bgo elsewhere\b|\bunsubscrib\w*\b|\bretention\b/,
    held: /\bchurn\w*\b|\bexit(?:ed)?\b|\bleft\b|\bleav\w*\b|\battrition\b|\bquit\w*\b|\bcancel\w*\b|\bretained\b|\bstay\w*\b/,
    holds: 'classes',
  },
  {
    what: 'a failure',
    asked:
      /\bfail\w*\b|\bbreak(?:s|ing)? down\b|\bbreakdowns?\b|\bbroke(?:n)? down\b|\bmalfunction\w*\b|\bstop(?:s|ped)? working\b|\bfaults?\b|\bfaulty\b|\bdowntime\b|\bout of order\b/,
    held: /\bfail\w*\b|\bbreakdown\b|\bbroken\b|\bfault\w*\b|\bdefect\w*\b|\bmalfunction\b/,
    holds: 'classes',
  },
  {
    what: 'fraud',
    asked: /\bfraud\w*\b|\bscams?\b|\bsuspicious\b|\bfake\b|\billegitimate\b|\bstolen\b|\banomal\w*\b/,
    held: /\bfraud\w*\b|\bscam\b|\banomal\w*\b|\bsuspicious\b/,
    holds: 'classes',
  },
  {
    what: 'spam',
    asked: /\bspam\w*\b|\bjunk\b|\bunsolicited\b|\bunwanted\b|\bphishing\b/,
    held: /\bspam\b|\bjunk\b|\bham\b/,
    holds: 'classes',
  },
  {
    what: 'survival',
    asked:
      /\bsurviv\w*\b|\blived\b|\balive\b|\bdied\b|\bdies\b|\bdie\b|\bdeaths?\b|\bdead\b|\bperish\w*\b|\bmade it\b|\bkilled\b/,
    held: /\bsurviv\w*\b|\bdied\b|\bdeath\w*\b|\bdead\b|\balive\b|\bdeceased\b|\bmortality\b/,
    holds: 'classes',
  },
  {
    what: 'income',
    asked:
      /\bearn\w*\b|\bincomes?\b|\bsalar(?:y|ies)\b|\bwages?\b|\bmakes? (?:more|less|over|under|above|below)\b/,
    held: /\bincome\b|\bsalary\b|\bwages?\b|\bearn\w*\b|\bpay\b/,
    holds: 'either',
  },
  {
    what: 'a yield or output',
    asked:
      /\byields?\b|\bharvest\w*\b|\bproduc(?:e|es|tion|tivity)\b|\boutput\b|\bcrops?\b|\bhow much\b.{0,40}\b(?:gives?|produces?|grows?|makes?)\b/,
    held: /\byield\b|\bharvest\b|\bproduction\b|\boutput\b|\bcrop\b/,
    holds: 'quantity',
  },
  {
    what: 'a grade or rating',
    asked:
      /\bquality\b|\bgrades?\b|\bgrading\b|\bratings?\b|\brate\b|\brated\b|\bhow good\b|\bscores?\b(?! (?:by|with|on|it|using)\b)|\bmarks\b|\btasters?\b|\bsensory\b/,
    held: /\bquality\b|\bgrade\b|\brating\b|\bscore\b|\bmark\b|\brank\w*\b|\bstars?\b/,
    holds: 'either',
  },
  {
    what: 'a temperature',
    asked:
      /\btemperatures?\b|\bhow (?:cold|hot|warm)\b|\bdegrees\b|\bcelsius\b|\bfahrenheit\b|\bdaily (?:low|high|minimum|maximum)\b|\bcold\w*\b|\bwarm\w*\b|\bhot\w*\b/,
    held: /\btemp\w*\b|\bdegrees?\b|\bcelsius\b|\bfahrenheit\b/,
    holds: 'quantity',
  },
  {
    what: 'air pollution',
    asked:
      /\bpollut\w*\b|\bsmog\w*\b|\bparticulate\w*\b|\bfine particles?\b|\bair quality\b|\bhaze\b|\bsoot\b|\bemissions?\b/,
    held: /\bpm ?2 ?5\b|\bpm ?10\b|\baqi\b|\bpollut\w*\b|\bparticulate\w*\b|\bno2\b|\bo3\b|\bso2\b|\bsmog\b/,
    holds: 'quantity',
  },
  {
    what: 'sales or demand',
    asked: /\bsales\b|\bdemand\b|\bunits sold\b|\bhow many (?:units|items|copies|orders)\b/,
    held: /\bsales\b|\bdemand\b|\bunits\b|\bquantity\b|\bvolume\b|\borders\b/,
    holds: 'quantity',
  },
  {
    what: 'how much of the ideas a text covers',
    asked:
      /\bmain ideas?\b|\bideas?\b|\bsubstance\b|\bcovers?\b|\bcoverage\b|\bkey points\b|\bwhat it says\b/,
    held: /\bcontent\b|\bsubstance\b|\bideas?\b/,
    holds: 'quantity',
  },
  {
    what: 'how well a text is written',
    asked:
      /\bwell written\b|\bis written\b|\bwriting\b|\blanguage\b|\bphrasing\b|\bstyle\b|\bvocabulary\b|\bword choice\b|\bexpression\b|\bfluency\b|\bgrammar\b/,
    held: /\bwording\b|\blanguage\b|\bstyle\b|\bfluency\b|\bgrammar\b|\bwriting\b/,
    holds: 'quantity',
  },
  {
    what: 'a sentiment',
    asked: /\bsentiment\b|\bpositive or negative\b|\bmood\b|\bopinion\b|\btone\b/,
    held: /\bsentiment\b|\bpolarity\b|\bpositive\b|\bnegative\b/,
    holds: 'classes',
  },
  {
    what: 'a diagnosis',
    asked:
      /\bdiagnos\w*\b|\bdiseases?\b|\billness\b|\bsick\b|\bmalignant\b|\bbenign\b|\bcancer\b|\bdiabet\w*\b/,
    held: /\bdiagnosis\b|\bdisease\b|\bmalignant\b|\bbenign\b|\bcancer\b|\bdiabet\w*\b/,
    holds: 'classes',
  },
  {
    what: 'a default on a loan',
    asked: /\bdefault\w*\b|\brepay\w*\b|\bpay (?:it )?back\b|\bcredit risk\b/,
    held: /\bdefault\w*\b|\bloan status\b|\brepaid\b|\brisk\b/,
    holds: 'classes',
  },
  {
    what: 'a click or purchase',
    asked:
      /\bclick\w*\b|\bconver(?:t|ts|ted|sion)\b|\bpurchas\w*\b|\bsign(?:s|ed)? up\b|\bsubscrib(?:e|es|ed)\b/,
    held: /\bclick\w*\b|\bconver\w*\b|\bpurchas\w*\b|\bbought\b|\bsubscri\w*\b|\bresponse\b/,
    holds: 'classes',
  },
  {
    what: 'a duration',
    asked:
      /\bhow long\b(?!.{0,30}\b(?:lived|alive|been around)\b)|\bduration\b|\bwait(?:ing)? times?\b|\bdelays?\b/,
    held: /\bduration\b|\bdelay\b|\bminutes\b|\bseconds\b|\bhours\b/,
    holds: 'quantity',
  },
];

/**
 * Short forms columns use that no rule finds: a beginning (`temp`, `dist`, `max`) or the consonants (`qty`, `amt`,
 * `pct`, `avg`) of the word a task writes are found by `abbreviates` (rank-targets.ts), synonyms by WordNet.
 */
export const ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = {
  out: ['exit', 'outflow', 'outgoing'],
  in: ['inlet', 'inflow', 'incoming'],
  num: ['count'],
  pct: ['share'],
  yr: ['year'],
  mo: ['month'],
  dewp: ['dew'],
};

/** Names that say "this is the label" whatever it labels. */
export const GENERIC_LABEL_NAME =
  /^(?:class|label|target|y|outcome|result|response|flag|status|is \w+|has \w+)$/;
