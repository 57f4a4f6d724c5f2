// The conversation: turns chat events into sessions, replies and jobs. Returns fast: slow work goes to queues.
import path from 'node:path';
import { asLinguacodusError } from '../core/errors.ts';
import type { Choice } from '../core/types.ts';
import { type BotAction, decodeAction } from './action-ids.ts';
import type { BotContext } from './bot-context.ts';
import { fileRefFor } from './file-refs.ts';
import type { ThreadRef } from './messages.ts';
import { planAckKey, planMessageKey } from './plan-job.ts';
import { JOB_OPTIONS, planJobId, runJobId } from './queues.ts';
import { choiceLabel, renderFullText, renderPlan } from './render-plan.ts';
import { capitalise, errorReply, help, planAck, statusReply, text } from './render-replies.ts';
import { renderRunProgress, runAtStart } from './render-result.ts';
import { runStatusKey } from './run-job.ts';
import { SessionFiles } from './session-files.ts';
import { type Session, sessionIdFor } from './session-store.ts';
import type { ChatUser, IncomingEvent, IncomingFile, IncomingHandler } from './surface.ts';

export const COMMANDS = ['help', 'status', 'cancel', 'rerun'] as const;
export type Command = (typeof COMMANDS)[number];

/** Data files the pipeline reads; the first CSV is the training file. */
const DATA_FILE = /\.(csv|tsv|txt|json)$/i;

/** Removes platform mentions (<@U123>, <@!123>, @linguacodus) so commands and tasks read cleanly. */
export function stripMentions(raw: string): string {
  return raw
    .replace(/<@[!&]?[A-Za-z0-9]+>/g, ' ')
    .replace(/(^|\s)@linguacodus\b/gi, ' ')
    .trim();
}

export function parseCommand(textIn: string): Command | null {
  const word = textIn.trim().toLowerCase().replace(/^[/!]/, '');
  return (COMMANDS as readonly string[]).includes(word) ? (word as Command) : null;
}

export function createConversation(ctx: BotContext): IncomingHandler {
  const { store, deliver, config, logger } = ctx;
  const mb = 1024 * 1024;
  const maxBytes = config.MAX_UPLOAD_MB * mb;

  const reply = (thread: ThreadRef, message: Parameters<typeof deliver.post>[1]) =>
    deliver.post(thread, message);

  async function onMessage(ev: Extract<IncomingEvent, { type: 'message' }>): Promise<void> {
    const sid = sessionIdFor(ev.thread);
    const session = await store.get(sid);
    const body = stripMentions(ev.text);
    if (!session) {
      if (!ev.addressed) return;
      const command = parseCommand(body);
      if (command === 'help' && ev.files.length === 0) {
        await reply(ev.thread, help());
        return;
      }
      if (command && ev.files.length === 0) {
        // A command where we hold no session: an expired thread, or no task posted yet.
        await reply(
          ev.thread,
          errorReply(
            `There is no active task here (sessions expire after ${config.SESSION_TTL_HOURS} h).`,
            'Post the task in plain English with its CSV to start one.',
          ),
        );
        return;
      }
      await startTask(sid, ev, body, null);
      return;
    }
    const command = parseCommand(body);
    if (command && ev.files.length === 0) {
      await runCommand(command, session, ev.thread, ev.user);
      return;
    }
    if (ev.files.length === 0 && session.status === 'planning') {
      await reply(
        ev.thread,
        text('I am still working on the plan. `status` shows where it is, `cancel` stops it.'),
      );
      return;
    }
    if (ev.files.length === 0 && session.status === 'planned') {
      await reply(
        ev.thread,
        text(
          'To change the task, post it again with the CSV attached. Thread commands: `help`, `status`, `cancel`, `rerun`.',
        ),
      );
      return;
    }
    await startTask(sid, ev, body, session);
  }

  async function startTask(
    sid: string,
    ev: Extract<IncomingEvent, { type: 'message' }>,
    body: string,
    previous: Session | null,
  ): Promise<void> {
    const base: Session = previous ?? {
      id: sid,
      thread: ev.thread,
      author: ev.user,
      createdAt: new Date().toISOString(),
      status: 'awaiting-input',
      text: '',
      files: [],
      planSeq: 0,
      plan: null,
      planMarkdown: null,
      lastRun: null,
      error: null,
    };
    const taskText = body || previous?.text || '';
    const awaiting = async (message: string, hint?: string) => {
      // Keep what was said: a file posted next in the thread completes this task.
      await store.update(sid, (current) => ({
        ...(current ?? base),
        text: taskText,
        status: current?.plan ? current.status : 'awaiting-input',
      }));
      await reply(ev.thread, errorReply(message, hint));
    };
    if (!taskText && ev.files.length === 0) {
      await awaiting(
        'Your message is empty.',
        'Describe the task in plain English (what to predict, and the metric if you have one) and attach the CSV.',
      );
      return;
    }
    const tooBig = ev.files.find((f) => f.bytes > maxBytes);
    if (tooBig) {
      await awaiting(
        `The file ${tooBig.name} is ${(tooBig.bytes / mb).toFixed(1)} MB; the limit is ${config.MAX_UPLOAD_MB} MB.`,
        'Post a smaller sample of the data (e.g. fewer rows) in this thread.',
      );
      return;
    }
    const dataFiles = ev.files.filter((f) => DATA_FILE.test(f.name));
    const other = ev.files.find((f) => !DATA_FILE.test(f.name));
    if (other) {
      await awaiting(
        `I can read CSV files only, and ${other.name} is not one.`,
        'Attach the data as a .csv file.',
      );
      return;
    }
    if (dataFiles.length === 0 && (previous?.files.length ?? 0) === 0) {
      await awaiting(
        'I need the data: attach a CSV file with the labelled rows.',
        'Post it in this thread (with the task text again, or just the file).',
      );
      return;
    }
    if (!taskText) {
      await awaiting(
        'Tell me what to predict: a sentence like "Predict <column>, metric rmse" with the file.',
      );
      return;
    }
    const planSeq = base.planSeq + 1;
    let files = base.files;
    if (dataFiles.length > 0) {
      try {
        files = await downloadAll(sid, planSeq, dataFiles);
      } catch (error) {
        const lerr = asLinguacodusError(error, 'too_large');
        logger.warn({ err: error, sid }, 'upload refused');
        await awaiting(lerr.userMessage, 'Post the file again in this thread.');
        return;
      }
    }
    // The seq is taken again under the lock: a task posted at the same moment in this thread gets the next one.
    const saved = await store.update(sid, (current) => ({
      ...(current ?? base),
      status: 'planning',
      text: taskText,
      files,
      planSeq: (current?.planSeq ?? 0) + 1,
      plan: null,
      planMarkdown: null,
      lastRun: null,
      error: null,
    }));
    if (!saved) return;
    await store.clearVotes(sid);
    await store.clearRuns(sid);
    await deliver.post(ev.thread, planAck(null), planAckKey(sid, saved.planSeq));
    const job = { sid, planSeq: saved.planSeq };
    await ctx.queues.plan.add('plan', job, { ...JOB_OPTIONS.plan, jobId: planJobId(job) });
  }

  async function downloadAll(sid: string, planSeq: number, files: IncomingFile[]) {
    // One folder per task keeps the user's file names (the pipeline quotes them back) without clashes.
    const dir = await ctx.files.ensure(sid, 'uploads', String(planSeq));
    const out = [];
    for (const f of files) {
      const dest = path.join(dir, SessionFiles.safeName(f.name));
      await f.download(dest, maxBytes);
      const ref = await fileRefFor(dest, f.name);
      if (!ref) throw new Error(`the upload of ${f.name} left no file`);
      out.push(ref);
    }
    return out;
  }

  async function runCommand(
    command: Command,
    session: Session,
    thread: ThreadRef,
    user: ChatUser,
  ): Promise<void> {
    switch (command) {
      case 'help':
        await reply(thread, help());
        return;
      case 'status':
        await reply(
          thread,
          statusReply(session, await store.votes(session.id), await store.runs(session.id)),
        );
        return;
      case 'cancel':
        await cancelAll(session, thread);
        return;
      case 'rerun': {
        if (!session.plan) {
          await reply(thread, errorReply('There is no plan to run yet.'));
          return;
        }
        await startRun(session, session.lastRun?.choice ?? 'resolver', user, thread);
        return;
      }
    }
  }

  async function cancelAll(session: Session, thread: ThreadRef): Promise<void> {
    const stopped: string[] = [];
    if (session.status === 'planning') {
      const jobId = planJobId({ sid: session.id, planSeq: session.planSeq });
      await ctx.cancels.requestCancel(jobId);
      if (await removeIfWaiting('plan', jobId)) {
        await store.update(session.id, (s) =>
          s?.planSeq === session.planSeq ? { ...s, status: 'failed', error: 'cancelled' } : null,
        );
        await deliver.edit(
          thread,
          planAckKey(session.id, session.planSeq),
          text('Planning cancelled.', 'context'),
        );
      }
      stopped.push('the planning');
    }
    const runs = await store.runs(session.id);
    for (const run of Object.values(runs)) {
      if (run.status !== 'queued' && run.status !== 'running') continue;
      await ctx.cancels.requestCancel(run.jobId);
      if (await removeIfWaiting('run', run.jobId)) {
        await store.patchRun(session.id, run.choice, run.jobId, { status: 'cancelled' });
        await store.unlockRun(session.id, run.choice, run.jobId);
        await deliver.edit(
          thread,
          runStatusKey(run.jobId),
          renderRunProgress(
            runAtStart(run.choice, run.startedBy.name, 'cancelled', Date.now() - Date.parse(run.startedAt)),
          ),
        );
      }
      stopped.push(`the run of ${choiceLabel(run.choice)}`);
    }
    await reply(
      thread,
      text(stopped.length ? `Cancelling ${stopped.join(' and ')}.` : 'Nothing is running in this thread.'),
    );
  }

  /** Removes a job that no worker has taken yet; an active job stops through its cancel signal instead. */
  async function removeIfWaiting(queue: 'plan' | 'run', jobId: string): Promise<boolean> {
    const job = await ctx.queues[queue].getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    if (!['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) return false;
    try {
      await job.remove();
      return true;
    } catch (error) {
      // Taken by a worker in between: its signal handles it.
      logger.debug({ err: error, jobId }, 'job started before it could be removed');
      return false;
    }
  }

  async function startRun(
    session: Session,
    choice: Choice,
    user: ChatUser,
    thread: ThreadRef,
  ): Promise<void> {
    if (!session.plan) {
      await reply(thread, errorReply('The plan is not ready yet; I will post it in this thread.'));
      return;
    }
    if (config.RUN_PERMISSION === 'author' && user.id !== session.author.id) {
      await reply(
        thread,
        errorReply(
          `Sorry ${user.name}, only ${session.author.name}, who posted the task, can start runs here.`,
        ),
      );
      return;
    }
    const runs = await store.runs(session.id);
    const previous = runs[choice];
    const seq = (previous?.seq ?? 0) + 1;
    const job = { sid: session.id, planSeq: session.planSeq, choice, seq };
    const jobId = runJobId(job);
    if (!(await store.lockRun(session.id, choice, jobId, config.RUN_TIMEOUT_S + 900))) {
      const who = previous?.startedBy.name ? ` (started by ${previous.startedBy.name})` : '';
      await reply(
        thread,
        text(
          `${capitalise(choiceLabel(choice))} is already running${who}. \`status\` shows its progress, \`cancel\` stops it.`,
        ),
      );
      return;
    }
    await store.setRun(session.id, {
      choice,
      seq,
      planSeq: session.planSeq,
      jobId,
      status: 'queued',
      startedBy: user,
      startedAt: new Date().toISOString(),
      stage: null,
      attempt: null,
      score: null,
      metric: null,
    });
    await store.update(session.id, (s) => (s ? { ...s, lastRun: { choice, seq } } : null));
    await deliver.post(
      thread,
      renderRunProgress(runAtStart(choice, user.name, 'queued')),
      runStatusKey(jobId),
    );
    await ctx.queues.run.add('run', job, { ...JOB_OPTIONS.run, jobId });
  }

  async function onAction(ev: Extract<IncomingEvent, { type: 'action' }>): Promise<void> {
    const action = decodeAction(ev.action);
    if (!action) {
      logger.debug({ action: ev.action }, 'ignoring a button that is not ours');
      return;
    }
    const session = await store.get(action.sid);
    if (!session) {
      await reply(
        ev.thread,
        errorReply(
          `This session has expired (sessions last ${config.SESSION_TTL_HOURS} h), so its buttons no longer work.`,
          'Post the task again with its CSV to start a new session.',
        ),
      );
      return;
    }
    if (action.planSeq !== session.planSeq || !session.plan) {
      await reply(
        session.thread,
        errorReply('These buttons belong to an earlier plan in this thread; use the newest one.'),
      );
      return;
    }
    await handleAction(action, session, ev.user);
  }

  async function handleAction(action: BotAction, session: Session, user: ChatUser): Promise<void> {
    const plan = session.plan;
    if (!plan) return;
    const file = await fileRefFor(session.planMarkdown ?? undefined, 'instructions.md');
    switch (action.kind) {
      case 'vote': {
        const votes = await store.setVote(session.id, user.id, action.choice);
        await deliver.edit(
          session.thread,
          planMessageKey(session.id, session.planSeq),
          renderPlan({ sid: session.id, planSeq: session.planSeq, plan, votes, file }),
        );
        return;
      }
      case 'run':
        await startRun(session, action.choice, user, session.thread);
        return;
      case 'full':
        await reply(session.thread, renderFullText(plan, file));
        return;
    }
  }

  return async (event) => {
    try {
      if (event.type === 'message') await onMessage(event);
      else await onAction(event);
    } catch (error) {
      logger.error({ err: error, thread: event.thread }, 'could not handle a chat event');
      await reply(event.thread, errorReply(asLinguacodusError(error).userMessage)).catch((e) =>
        logger.error({ err: e }, 'could not report the failure either'),
      );
    }
  };
}
