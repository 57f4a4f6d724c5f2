// The offline engine's public face: the instructor, critic and coder that need no model, the Improve ladder, and the
// vanilla control's instruction (for the bench's script measurements and the CLI).
export { OfflineCoder, type OfflineCoderOptions, recipeOfScript } from './offline-coder.ts';
export { OfflineCritic } from './offline-critic.ts';
export { offlineImprovement } from './offline-improve.ts';
export { OfflineInstructor } from './offline-instructor.ts';
export { vanillaInstruction } from './vanilla-template.ts';
