// The bot's pipeline: core's createCore with the real sandbox, limits and model roles taken from the config.
import path from 'node:path';
import type { Logger } from '../common/pino-logger.ts';
import { type Core, type CoreDeps, createCore } from '../core/index.ts';
import { createSandbox, sandboxOptionsFromEnv } from '../sandbox/index.ts';
import type { Config } from './config.ts';

export type Pipeline = Pick<
  Core,
  'intake' | 'plan' | 'draftPlan' | 'addEvidence' | 'run' | 'improve' | 'blend' | 'auto' | 'engines'
>;

const MB = 1024 * 1024;

/** Core's dependencies from the config: the real sandbox, the limits and the model roles. */
export function coreDepsFrom(config: Config, logger: Logger): CoreDeps {
  const options = sandboxOptionsFromEnv(config);
  const sandbox = createSandbox(options);
  const { limits } = options;
  return {
    sandbox,
    roles: config.roles,
    logger,
    limits: {
      maxBytes: config.MAX_UPLOAD_MB * MB,
      maxRows: config.MAX_ROWS,
      maxColumns: config.MAX_COLUMNS,
      maxRepairs: config.MAX_REPAIRS,
      sandbox: limits,
      evidenceTimeoutMs: config.EVIDENCE_TIMEOUT_S * 1000,
      maxTokensPerPlan: config.MAX_TOKENS_PER_PLAN ?? null,
      maxTokensPerRun: config.MAX_TOKENS_PER_RUN ?? null,
    },
    workRoot: path.resolve(config.DATA_DIR, 'work'),
  };
}

/** The real pipeline with the real sandbox; a role without an endpoint runs on the offline engine. */
export function createPipeline(config: Config, logger: Logger): Pipeline {
  return createCore(coreDepsFrom(config, logger));
}
