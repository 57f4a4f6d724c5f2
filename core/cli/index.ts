// The command lines core answers (bot/cli.ts dispatches to them): `solve` and `intake`.
export { INTAKE_EXIT, INTAKE_USAGE, type IntakeEnv, intakeJson, runIntakeCli } from './intake-cli.ts';
export { runSolveCli, SOLVE_USAGE, type SolveEnv } from './solve-cli.ts';
