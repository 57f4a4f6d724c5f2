// The sandbox's public face: pick a driver, check the host can run it, re-export the contract.
export { checkSandbox, type SandboxCheck } from './check-sandbox.ts';
export { runSandboxCli, SANDBOX_CLI_USAGE } from './cli.ts';
export { type CreateSandboxOptions, createSandbox } from './create-sandbox.ts';
export {
  type SandboxEnv,
  sandboxEnvSchema,
  sandboxEnvShape,
  sandboxLimitsFromEnv,
  sandboxOptionsFromEnv,
} from './sandbox-env.ts';
export * from './types.ts';
