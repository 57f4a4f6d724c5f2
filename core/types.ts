// The pipeline's shared types: task, data profile, instruction, plan, run and progress, as zod schemas.
import { z } from 'zod';

export const dataTypeSchema = z.enum(['tabular', 'text', 'time series', 'image']);
export type DataType = z.infer<typeof dataTypeSchema>;

/** Every metric the harness can score; directions live in the metric registry (core/metrics). */
export const metricNameSchema = z.enum([
  'rmse',
  'mse',
  'mae',
  'rmsle',
  'r2',
  'mape',
  'roc-auc',
  'log-loss',
  'accuracy',
  'f1',
  'f1-macro',
  'f1-micro',
  'mcrmse',
]);
export type MetricName = z.infer<typeof metricNameSchema>;

export const splitSchema = z.object({
  kind: z.enum(['random', 'stratified', 'group', 'time']),
  testFraction: z.number().gt(0).lt(1),
  /** Group column (kind group) or time-order column (kind time; default: file order). */
  column: z.string().optional(),
  seed: z.number().int().default(42),
});
export type Split = z.infer<typeof splitSchema>;

export const taskSpecSchema = z.object({
  description: z.string(),
  dataType: dataTypeSchema,
  metric: metricNameSchema,
  /** One or more target columns (several for mcrmse). */
  targets: z.array(z.string()).min(1),
  /** The id column; when the data has none the harness adds `row_id`. */
  idColumn: z.string(),
  /** True when idColumn was added by the harness rather than found in the data. */
  idAdded: z.boolean().default(false),
  /** Host path of the labelled training file. */
  trainFile: z.string(),
  /** Host path of an optional unlabelled file to predict for (a submission artifact, not scored). */
  testFile: z.string().nullable().default(null),
  /** Host paths of extra files the code may read (e.g. a prompts table). */
  extraFiles: z.array(z.string()).default([]),
  /** Columns the code must not see (they leak the target). */
  drop: z.array(z.string()).default([]),
  split: splitSchema,
  /** Human-readable lines on what was inferred rather than stated, shown to the user. */
  inferred: z.array(z.string()).default([]),
  /**
   * Why each field is what it is, by field (target, idColumn, metric, dataType, split, testFile, drop, features):
   * the inference's reason, or where it was stated. For the task card and `linguacodus intake`.
   */
  reasons: z.record(z.string(), z.string()).default({}),
});
export type TaskSpec = z.infer<typeof taskSpecSchema>;

export const columnKindSchema = z.enum([
  'numeric',
  'categorical',
  'text',
  'datetime',
  'id',
  'constant',
  'boolean',
]);
export type ColumnKind = z.infer<typeof columnKindSchema>;

export const columnProfileSchema = z.object({
  name: z.string(),
  kind: columnKindSchema,
  missingShare: z.number().min(0).max(1),
  unique: z.number().int().nonnegative(),
  examples: z.array(z.string()),
  mean: z.number().optional(),
  std: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Most frequent values (categorical, boolean). */
  top: z.array(z.object({ value: z.string(), count: z.number().int() })).optional(),
  /** Mean length in characters (text). */
  meanLength: z.number().optional(),
});
export type ColumnProfile = z.infer<typeof columnProfileSchema>;

export const targetTypeSchema = z.enum(['regression', 'binary', 'multiclass', 'multi-regression']);
export type TargetType = z.infer<typeof targetTypeSchema>;

export const dataProfileSchema = z.object({
  rows: z.number().int().nonnegative(),
  columns: z.array(columnProfileSchema),
  target: z.object({
    names: z.array(z.string()),
    type: targetTypeSchema,
    /** Class counts, most frequent first (classification). */
    classes: z.array(z.object({ value: z.string(), count: z.number().int() })).optional(),
    /** Skewness of the (first) target (regression). */
    skew: z.number().optional(),
    mean: z.number().optional(),
  }),
  /** An image task's pictures (core/intake/image-intake.ts): counts, sizes, channels, a few samples. */
  images: z
    .object({
      count: z.number().int(),
      testCount: z.number().int(),
      formats: z.array(z.string()),
      width: z.object({ min: z.number(), max: z.number() }),
      height: z.object({ min: z.number(), max: z.number() }),
      channels: z.array(z.number().int()),
      layout: z.enum(['labels csv', 'folder per class']),
      samples: z.array(z.string()),
    })
    .optional(),
});
export type DataProfile = z.infer<typeof dataProfileSchema>;

export const SECTION_KEYS = [
  'dataPreprocessing',
  'modelArchitecture',
  'modelTraining',
  'submission',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
export const SECTION_TITLES: Record<SectionKey, string> = {
  dataPreprocessing: 'Data Preprocessing',
  modelArchitecture: 'Model Architecture',
  modelTraining: 'Model Training',
  submission: 'Submission',
};

export const instructionSchema = z.object({
  /** 1, 2 or 3 for the instructor's places; 0 for the resolver's improved instruction. */
  rank: z.number().int().min(0).max(3),
  title: z.string(),
  dataPreprocessing: z.array(z.string()),
  modelArchitecture: z.array(z.string()),
  modelTraining: z.array(z.string()),
  submission: z.array(z.string()),
  /** The offline engine's recipe behind this instruction (null for model-written text). */
  recipe: z
    .object({ id: z.string(), params: z.record(z.string(), z.unknown()) })
    .nullable()
    .default(null),
});
export type Instruction = z.infer<typeof instructionSchema>;

export const engineSchema = z.enum(['offline', 'llm']);
export type EngineName = z.infer<typeof engineSchema>;

/** An option of the plan (its place 1-3), the resolver's improved one, or the paper's vanilla control (task alone). */
export const choiceSchema = z.enum(['1', '2', '3', 'resolver', 'vanilla']);
export type Choice = z.infer<typeof choiceSchema>;

export const llmUsageSchema = z.object({
  role: z.enum(['instructor', 'critic', 'coder']),
  purpose: z.string(),
  model: z.string(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  attempts: z.number().int().positive(),
  /** When the call began (ms since the epoch): overlapping calls ran in parallel, the rest one after another. */
  startedAt: z.number().nonnegative().optional(),
  /** The server's finish_reason ("stop", "length" when cut at max tokens); absent when the call failed. */
  finishReason: z.string().nullable().optional(),
});
export type LlmUsage = z.infer<typeof llmUsageSchema>;

/**
 * What was done about a model answer that could not be used as it came (refused, cut, looping, unreadable
 * choice, shrunk prompt...), in words the thread and the logs can show.
 */
export const answerNoteSchema = z.object({
  role: z.enum(['instructor', 'critic', 'coder']),
  /** The call it concerns ("instruction 2", "resolve", "stage training"). */
  purpose: z.string(),
  action: z.enum(['re-asked', 'trimmed', 'dropped', 'replaced', 'fallback', 'continued', 'shrunk']),
  reason: z.string(),
});
export type AnswerNote = z.infer<typeof answerNoteSchema>;

export const evidenceSchema = z.object({
  rank: z.number().int(),
  title: z.string(),
  /** Cross-validated score inside the training part (never the holdout). */
  cvScore: z.number().nullable(),
  seconds: z.number(),
  error: z.string().optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const planSchema = z.object({
  id: z.string(),
  task: taskSpecSchema,
  profile: dataProfileSchema,
  instructions: z.array(instructionSchema).length(3),
  /** The researcher's critique (Fig. 7). */
  critique: z.string(),
  resolver: z.object({
    /** Which option (1-3) the resolver chose before improving it. */
    chose: z.number().int().min(1).max(3),
    instruction: instructionSchema,
    rationale: z.string(),
    evidence: z.array(evidenceSchema).default([]),
    /** What the quick cross-validation said about the resolver's first choice, once it has run (null before). */
    verdict: z
      .object({
        /** The resolver's choice before the evidence was in. */
        firstChoice: z.number().int().min(1).max(3),
        /** The option with the best quick CV score; null when none scored. */
        evidenceBest: z.number().int().min(1).max(3).nullable(),
        /** Whether the evidence's best is the resolver's first choice; null when the evidence could not tell. */
        agrees: z.boolean().nullable(),
        /** One line for the thread: what the evidence found and what the resolver did about it. */
        summary: z.string(),
      })
      .nullable()
      .optional(),
  }),
  engines: z.object({ instructor: engineSchema, critic: engineSchema, coder: engineSchema }),
  usage: z.array(llmUsageSchema).default([]),
  /** Model answers that were re-asked, trimmed, dropped or replaced, and why. */
  notes: z.array(answerNoteSchema).optional(),
  createdAt: z.string(),
  durationMs: z.number(),
});
export type Plan = z.infer<typeof planSchema>;

export const STAGES = ['preprocessing', 'architecture', 'training', 'submission'] as const;
export type StageName = (typeof STAGES)[number];
/** The instruction section each code stage implements. */
export const STAGE_SECTIONS: Record<StageName, SectionKey> = {
  preprocessing: 'dataPreprocessing',
  architecture: 'modelArchitecture',
  training: 'modelTraining',
  submission: 'submission',
};

export const attemptSchema = z.object({
  n: z.number().int().positive(),
  code: z.string(),
  ok: z.boolean(),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  oomKilled: z.boolean(),
  stdoutTail: z.string(),
  stderrTail: z.string(),
  /** What went wrong, as fed back to the coder (runtime error or submission check). */
  error: z.string().nullable(),
  durationMs: z.number(),
});
export type Attempt = z.infer<typeof attemptSchema>;

/**
 * What produced a run: an option's instruction (or the resolver's), the vanilla control, one improvement step from
 * an earlier run, or a blend of earlier runs' predictions.
 */
export const runKindSchema = z.enum(['option', 'vanilla', 'improve', 'blend', 'auto']);
export type RunKind = z.infer<typeof runKindSchema>;

export const runResultSchema = z.object({
  planId: z.string(),
  /** The option the run comes from (an improvement keeps its parent's); null for a blend. */
  choice: choiceSchema.nullable(),
  kind: runKindSchema.default('option'),
  /** Improve: the one change made, in a line; blend: how the members were weighted. Null for other runs. */
  change: z.string().nullable().default(null),
  /** Blend: each member (its label as the caller named it), its fitted weight and its own holdout score. */
  blend: z
    .object({
      members: z.array(z.object({ label: z.string(), weight: z.number(), score: z.number().nullable() })),
    })
    .nullable()
    .default(null),
  ok: z.boolean(),
  metric: metricNameSchema,
  higherIsBetter: z.boolean(),
  /** The harness's score on the held-out rows; null when no attempt produced a valid submission. */
  score: z.number().nullable(),
  /** The generated code's own cross-validation score, when it reported one. */
  cvScore: z.number().nullable(),
  /** A plain baseline on the same holdout (mean or majority), for comparison. */
  baseline: z.object({ name: z.string(), score: z.number() }).nullable(),
  stages: z.array(z.object({ stage: z.enum(STAGES), code: z.string() })),
  code: z.string(),
  attempts: z.array(attemptSchema),
  error: z.string().nullable(),
  /** Host paths of what the run produced (absent when not produced). */
  artifacts: z.object({
    code: z.string(),
    notebook: z.string().optional(),
    /** The harness's holdout chart (predicted against true). */
    chart: z.string().optional(),
    /** The script's own chart.png: feature importance or coefficients. */
    importanceChart: z.string().optional(),
    submission: z.string().optional(),
    log: z.string().optional(),
    /** The harness contract's out-of-fold predictions on the training rows (what a blend fits weights on). */
    oofPredictions: z.string().optional(),
    /** The same predictions' layout for the held-out rows (what a blend combines and the harness scores). */
    testPredictions: z.string().optional(),
    /** Predictions for the user's own test file, when one was given (the final run's). */
    userTestPredictions: z.string().optional(),
    /** This result as JSON (runResultSchema): what improve and blend read back from a run folder. */
    result: z.string().optional(),
  }),
  usage: z.array(llmUsageSchema).default([]),
  /** Coder answers that were re-asked, continued or shrunk, and why. */
  notes: z.array(answerNoteSchema).optional(),
  durationMs: z.number(),
});
export type RunResult = z.infer<typeof runResultSchema>;

export type ProgressEvent =
  | {
      type: 'plan-step';
      step: 'profile' | 'instructions' | 'critique' | 'resolver' | 'evidence';
      detail?: string;
    }
  | { type: 'stage'; stage: StageName; index: number; total: number; status: 'started' | 'finished' }
  | { type: 'attempt'; n: number; max: number; status: 'running' | 'failed' | 'passed'; error?: string }
  | { type: 'score'; metric: MetricName; score: number }
  /**
   * A line the script printed while it runs in the sandbox (streamed), with the fold it reports ("fold 2 of 5")
   * when the line says one.
   */
  | { type: 'script'; line: string; fold: { k: number; n: number } | null };

export type ProgressListener = (event: ProgressEvent) => void;

/** What a user hands in: free text and files, plus anything stated explicitly (CLI flags, suite entries). */
export interface TaskInput {
  text: string;
  /**
   * Replies in the task's thread that correct it, oldest first ("target: Age", "metric: mae", "Survived", or new
   * words): what each states wins over the text, and a later one over an earlier one.
   */
  notes?: string[];
  /** Host paths; the first CSV is the training file unless stated. */
  files: string[];
  overrides?: {
    metric?: string;
    target?: string | string[];
    idColumn?: string;
    testFile?: string;
    /** Host paths of extra files the code may read (e.g. a prompts table); never taken as train or test. */
    extraFiles?: string[];
    dataType?: DataType;
    drop?: string[];
    split?: Partial<Split>;
  };
}

export interface IntakeLimits {
  maxBytes: number;
  maxRows: number;
  maxColumns: number;
}
