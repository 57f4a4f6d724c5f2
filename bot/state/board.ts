// Keeps the thread's leaderboard message up to date: posted with the first run of a plan, then edited through the
// deliver queue whenever a run changes, once per change (an unchanged board is not edited again).
import { createHash } from 'node:crypto';
import { METRICS } from '../../core/harness/index.ts';
import type { BotContext } from '../bot-context.ts';
import { boardKey } from '../jobs/delivery-keys.ts';
import { messageLink } from '../render/message-links.ts';
import { renderBoard } from '../render/render-board.ts';

type BoardContext = Pick<BotContext, 'store' | 'deliver' | 'redis' | 'keys'>;

/**
 * Renders the board from the runs as stored now and posts or edits it. Under the session's lock, so two processes
 * refreshing at once edit in the order they read (the later state wins). `mayPost: false` only edits a board already
 * posted: the conversation's refresh when a run is queued, so the first board follows its run's status message (the
 * run's worker posts it).
 */
export async function refreshBoard(
  ctx: BoardContext,
  sid: string,
  { mayPost = true }: { mayPost?: boolean } = {},
): Promise<void> {
  const { store, deliver, redis, keys } = ctx;
  await store.locked(sid, async () => {
    const session = await store.get(sid);
    if (!session?.plan) return;
    const runs = (await store.runList(sid)).filter((r) => r.planSeq === session.planSeq && r.n > 0);
    if (runs.length === 0) return;
    const links: Record<number, string | null> = {};
    for (const r of runs) {
      const id = r.resultKey ? await deliver.messageIdOf(r.resultKey) : null;
      links[r.n] = id ? messageLink(session.thread, id) : null;
    }
    const metric = session.plan.task.metric;
    const message = renderBoard({
      sid,
      planSeq: session.planSeq,
      metric,
      higherIsBetter: METRICS[metric].higherIsBetter,
      runs,
      links,
    });
    const digest = createHash('sha256').update(JSON.stringify(message)).digest('hex').slice(0, 16);
    const flag = keys.boardPosted(sid, session.planSeq);
    const key = boardKey(sid, session.planSeq);
    if (!mayPost && !(await redis.exists(flag))) return;
    const first = await redis.set(flag, digest, 'EX', store.ttlSeconds, 'NX');
    if (first === 'OK') {
      await deliver.post(session.thread, message, key);
      return;
    }
    if ((await redis.get(flag)) === digest) return;
    await redis.set(flag, digest, 'EX', store.ttlSeconds);
    await deliver.edit(session.thread, key, message);
  });
}
