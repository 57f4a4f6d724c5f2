// `npm start`: one process that does everything (bot/start-process.ts): the chat surfaces (the local web chat by
// default), their deliveries, and plan and run jobs.
import { startProcess } from './start-process.ts';

await startProcess({ kind: 'all' });
