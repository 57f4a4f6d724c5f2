// Chooses the engine for each role: the role's model endpoint when it has one, else the offline engine.
import type { Logger } from '../../common/logger.ts';
import type { CoderEngine, CriticEngine, InstructorEngine } from '../engine.ts';
import { LlmCoder } from '../llm/llm-coder.ts';
import { LlmCritic } from '../llm/llm-critic.ts';
import { LlmInstructor } from '../llm/llm-instructor.ts';
import { createModelClient } from '../llm/model-client.ts';
import { OfflineCoder } from '../offline/offline-coder.ts';
import { OfflineCritic } from '../offline/offline-critic.ts';
import { OfflineInstructor } from '../offline/offline-instructor.ts';
import type { InstructorPromptMode } from '../prompts.ts';
import type { EngineName } from '../types.ts';

export type CoreRoleName = 'instructor' | 'critic' | 'coder';

/** One role's OpenAI-compatible endpoint; bot/config.ts builds these from the environment (the one definition). */
export interface CoreRoleConfig {
  baseURL: string;
  model: string;
  apiKey: string;
  api: 'chat' | 'completions';
  timeoutMs: number;
  maxTokens: number;
  /** Instructor only: rich (default, general chat models) or paper (exactly Fig. 6, for the fine-tuned adapter). */
  prompt?: InstructorPromptMode;
}

export type CoreRoles = Partial<Record<CoreRoleName, CoreRoleConfig>>;

export type EngineNames = Record<CoreRoleName, EngineName>;

export interface Engines {
  instructor: InstructorEngine;
  critic: CriticEngine;
  coder: CoderEngine;
  names: EngineNames;
}

export function createEngines(roles: CoreRoles, logger?: Logger): Engines {
  const client = (role: CoreRoleName) => {
    const config = roles[role];
    return config ? createModelClient(role, config) : null;
  };
  const instructorClient = client('instructor');
  const criticClient = client('critic');
  const coderClient = client('coder');
  const engines: Engines = {
    // A place whose model answers are refused, cut or looping twice is filled by the offline engine's option.
    instructor: instructorClient
      ? new LlmInstructor(instructorClient, {
          prompt: roles.instructor?.prompt,
          fallback: new OfflineInstructor(),
        })
      : new OfflineInstructor(),
    critic: criticClient ? new LlmCritic(criticClient) : new OfflineCritic(),
    coder: coderClient ? new LlmCoder(coderClient) : new OfflineCoder(),
    names: {
      instructor: instructorClient ? 'llm' : 'offline',
      critic: criticClient ? 'llm' : 'offline',
      coder: coderClient ? 'llm' : 'offline',
    },
  };
  logger?.info(
    {
      engines: engines.names,
      models: Object.fromEntries(Object.entries(roles).map(([role, config]) => [role, config?.model])),
    },
    'engines chosen',
  );
  return engines;
}
