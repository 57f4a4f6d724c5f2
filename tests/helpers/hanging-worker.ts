// A run-queue worker (bot/jobs/workers.ts, with the product's lease and stall settings) whose jobs never finish: the
// crash pickup measurement kills one and times how soon the next takes its job. Prints "ready" and "took <id> <ms>".
import { parseConfig } from '../../bot/config.ts';
import { createWorker } from '../../bot/jobs/workers.ts';
import { createRedis } from '../../bot/state/redis-connection.ts';
import { createLogger } from '../../common/pino-logger.ts';

const config = parseConfig(process.env);
const worker = createWorker(
  'run',
  async (job) => {
    process.stdout.write(`took ${job.id} ${Date.now()}\n`);
    await new Promise(() => {});
  },
  createRedis(config.REDIS_URL, 'lc-hanging-worker'),
  config,
  createLogger({ level: 'silent' }),
);
await worker.waitUntilReady();
process.stdout.write('ready\n');
