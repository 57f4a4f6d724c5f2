// Starts a task from a message: checks the text and files, keeps the uploads, then acknowledges and queues the plan.
// Every (re)plan of a thread's task goes through queuePlan: a new task here, a correction in amend-task.ts.
import path from 'node:path';
import { asLinguacodusError } from '../../common/errors.ts';
import type { FileRef, OutgoingMessage } from '../../contract/messages.ts';
import type { IncomingFile } from '../../contract/surface.ts';
import { planKey } from '../jobs/delivery-keys.ts';
import { JOB_OPTIONS, planJobId } from '../jobs/queues.ts';
import { fileRefFor } from '../render/file-refs.ts';
import { errorReply, planAck } from '../render/render-replies.ts';
import { SessionFiles } from '../state/session-files.ts';
import type { Session } from '../state/session-store.ts';
import { keep } from '../store/index.ts';
import type { EventContext, MessageEvent } from './event-context.ts';

/** Data files the pipeline reads; the first CSV is the training file. */
/** Tables, and zips of pictures (image tasks: core/intake/image-intake.ts unpacks them safely). */
const DATA_FILE = /\.(csv|tsv|txt|json|zip)$/i;

const MB = 1024 * 1024;

export async function startTask(
  cx: EventContext<MessageEvent>,
  sid: string,
  body: string,
  previous: Session | null,
): Promise<void> {
  const { bot, event } = cx;
  const { store, config } = bot;
  const maxBytes = config.MAX_UPLOAD_MB * MB;
  const base: Session = previous ?? {
    id: sid,
    thread: event.thread,
    author: event.user,
    createdAt: new Date().toISOString(),
    status: 'awaiting-input',
    text: '',
    files: [],
    planSeq: 0,
    taskMessageId: null,
    notes: [],
    understood: null,
    plan: null,
    planMarkdown: null,
    lastRun: null,
    error: null,
  };
  const taskText = body || previous?.text || '';
  // New words with a new file are a new task; a file alone keeps the task and the corrections made to it.
  const notes = body && event.files.length > 0 ? [] : (previous?.notes ?? []);
  const awaiting = async (message: string, hint?: string) => {
    // Keep what was said: a file posted next in the thread completes this task.
    await store.update(sid, (current) => ({
      ...(current ?? base),
      text: taskText,
      status: current?.plan ? current.status : 'awaiting-input',
    }));
    await cx.reply(errorReply(message, hint));
  };
  if (!taskText && event.files.length === 0) {
    await awaiting(
      'Your message is empty.',
      'Describe the task in plain English (what to predict, and the metric if you have one) and attach the CSV.',
    );
    return;
  }
  const tooBig = event.files.find((f) => f.bytes > maxBytes);
  if (tooBig) {
    await awaiting(
      `The file ${tooBig.name} is ${(tooBig.bytes / MB).toFixed(1)} MB; the limit is ${config.MAX_UPLOAD_MB} MB.`,
      'Post a smaller sample of the data (e.g. fewer rows) in this thread.',
    );
    return;
  }
  const dataFiles = event.files.filter((f) => DATA_FILE.test(f.name));
  const other = event.files.find((f) => !DATA_FILE.test(f.name));
  if (other) {
    await awaiting(
      `I can read CSV files and zips of pictures only, and ${other.name} is neither.`,
      'Attach the data as a .csv file, or the pictures as a .zip (with a labels CSV or one folder per class).',
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
  let files = base.files;
  if (dataFiles.length > 0) {
    try {
      files = await downloadAll(cx, sid, String(base.planSeq + 1), dataFiles, maxBytes);
    } catch (error) {
      const lerr = asLinguacodusError(error, 'too_large');
      bot.logger.warn({ err: error, sid }, 'upload refused');
      await awaiting(lerr.userMessage, 'Post the file again in this thread.');
      return;
    }
  }
  await queuePlan(cx, sid, base, { text: taskText, files, notes }, planAck(null));
}

/**
 * Starts planning the thread's task anew (a new task, or a change to it): under the session's lock, unless this
 * event already did (a platform's resend, or the same message delivered twice at once), the task takes the next seq
 * (jobs of the earlier one stand down), its votes and runs are cleared, `ack` is posted (the plan job turns it into
 * the task card) and the plan job queued. Returns false when the event had already done it.
 */
export async function queuePlan(
  cx: EventContext,
  sid: string,
  base: Session,
  task: Pick<Session, 'text' | 'files' | 'notes'>,
  ack: OutgoingMessage,
): Promise<boolean> {
  const { bot, event } = cx;
  const origin = event.type === 'message' ? event.messageId : `press-${event.pressId}`;
  let started = false;
  const saved = await bot.store.update(sid, (current) => {
    if (current?.taskMessageId === origin) return null;
    started = true;
    return {
      ...(current ?? base),
      ...task,
      status: 'planning',
      planSeq: (current?.planSeq ?? 0) + 1,
      taskMessageId: origin,
      plan: null,
      planMarkdown: null,
      lastRun: null,
      error: null,
    };
  });
  if (!started || !saved) return false;
  await bot.store.clearVotes(sid);
  await bot.store.clearRuns(sid);
  const job = { sid, planSeq: saved.planSeq };
  await bot.deliver.post(event.thread, ack, planKey(job, 'ack'));
  await bot.queues.plan.add('plan', job, { ...JOB_OPTIONS.plan, jobId: planJobId(job) });
  return true;
}

async function downloadAll(
  cx: EventContext,
  sid: string,
  folder: string,
  files: IncomingFile[],
  maxBytes: number,
): Promise<FileRef[]> {
  // One folder per task keeps the user's file names (the pipeline quotes them back) without clashes.
  const dir = await cx.bot.files.ensure(sid, 'uploads', folder);
  const out: FileRef[] = [];
  for (const f of files) {
    const dest = path.join(dir, SessionFiles.safeName(f.name));
    await f.download(dest, maxBytes);
    const ref = await fileRefFor(dest, f.name);
    if (!ref) throw new Error(`the upload of ${f.name} left no file`);
    // Into the file store, where a worker on another machine reads it (DATA_DIR itself by default: nothing moves).
    await keep(cx.bot.fileStore, dest);
    out.push(ref);
  }
  return out;
}
