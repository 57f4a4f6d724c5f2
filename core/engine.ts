// The three model roles as engines: the pipeline asks these, whether a model endpoint or the offline engine answers.
import type { TokenBudget } from './llm/usage.ts';
import type {
  AnswerNote,
  DataProfile,
  EngineName,
  Evidence,
  Instruction,
  LlmUsage,
  StageName,
  TaskSpec,
} from './types.ts';

export interface EngineCall {
  signal?: AbortSignal;
  /** Each model call appends its token usage and latency here. */
  usage?: LlmUsage[];
  /** The plan's or run's token budget, checked before each model call. */
  budget?: TokenBudget;
  /** Answers that were re-asked, trimmed, dropped or replaced are noted here, with the reason. */
  notes?: AnswerNote[];
}

export interface InstructorEngine {
  readonly kind: EngineName;
  /** The first, second and third place instructions (rank 1..3), asked in parallel. */
  instructions(task: TaskSpec, profile: DataProfile, call?: EngineCall): Promise<Instruction[]>;
}

export interface ResolverDecision {
  /** Which option (1-3) was judged best. */
  chose: number;
  /** The improved instruction in full (rank 0). */
  instruction: Instruction;
  rationale: string;
}

export interface CriticInput {
  task: TaskSpec;
  profile: DataProfile;
  instructions: Instruction[];
  /** Quick cross-validation of each option's code inside the training part (may be empty). */
  evidence: Evidence[];
}

export interface CriticEngine {
  readonly kind: EngineName;
  /** The researcher (Fig. 7): flaws and faulty logic of each option. */
  critique(input: CriticInput, call?: EngineCall): Promise<string>;
  /** The resolver (Fig. 8): the option the researcher thought best, improved and printed in full. */
  resolve(input: CriticInput & { critique: string }, call?: EngineCall): Promise<ResolverDecision>;
}

export interface StageContext {
  task: TaskSpec;
  profile: DataProfile;
  instruction: Instruction;
  /** Code of the stages already written, in order. */
  previous: { stage: StageName; code: string }[];
  /** For a repair: the earlier attempts, oldest first, each script with the error it ended in. */
  repairs?: RepairTurn[];
}

/** One failed attempt of the repair loop, as the coder is shown it again. */
export interface RepairTurn {
  code: string;
  error: string;
}

export interface CoderEngine {
  readonly kind: EngineName;
  /** Python for one stage (Fig. 9), seeing the instruction, the profile and the code before it. */
  writeStage(stage: StageName, context: StageContext, call?: EngineCall): Promise<string>;
  /** One runnable script from the stages. */
  integrate(context: StageContext, call?: EngineCall): Promise<string>;
  /**
   * A fixed script, given the failing script and the error (stderr tail, failing line, submission check); the
   * attempts before it are in `context.repairs`.
   */
  repair(code: string, error: string, context: StageContext, call?: EngineCall): Promise<string>;
  /**
   * The vanilla control (the paper's baseline): the whole script from the task, the data profile and the contract
   * alone, in one answer, with no instruction. Absent: the pipeline writes the vanilla instruction's stages instead.
   */
  writeVanilla?(context: StageContext, call?: EngineCall): Promise<string>;
  /**
   * One improvement step (AIDE-style): one concrete change to a scored script, said in a line, and the whole
   * improved script. Absent: the pipeline takes the offline engine's next step.
   */
  improve?(input: ImproveInput, call?: EngineCall): Promise<ImprovedScript>;
}

/** What an improvement step sees of the run it improves. */
export interface ImproveInput {
  context: StageContext;
  /** The parent run's script (the one that was scored). */
  code: string;
  /** The harness's holdout score of the parent and its own cross-validation score (null when not reported). */
  score: number | null;
  cvScore: number | null;
  /** The last lines of the parent's run log. */
  logTail: string;
  /** Changes already made along the chain of improvements, oldest first. */
  history: string[];
}

export interface ImprovedScript {
  /** The one change, in a line. */
  change: string;
  code: string;
}
