// Button action ids: the session id and what to do, short enough for Discord's 100-character custom_id.
import { type Choice, choiceSchema } from '../core/types.ts';

export type BotAction =
  | { kind: 'vote'; sid: string; planSeq: number; choice: Choice }
  | { kind: 'run'; sid: string; planSeq: number; choice: Choice }
  | { kind: 'full'; sid: string; planSeq: number };

export function encodeAction(action: BotAction): string {
  const base = `lc|${action.sid}|${action.planSeq}|${action.kind}`;
  return action.kind === 'full' ? base : `${base}|${action.choice}`;
}

/** Null for an id that is not ours or is malformed (a stale button from an older version, say). */
export function decodeAction(id: string): BotAction | null {
  const parts = id.split('|');
  if (parts[0] !== 'lc' || parts.length < 4) return null;
  const [, sid, seqText, kind, choiceText] = parts as [string, string, string, string, string | undefined];
  const planSeq = Number(seqText);
  if (!/^[0-9a-f]{16}$/.test(sid) || !Number.isInteger(planSeq)) return null;
  if (kind === 'full') return { kind, sid, planSeq };
  const choice = choiceSchema.safeParse(choiceText);
  if (!choice.success || (kind !== 'vote' && kind !== 'run')) return null;
  return { kind, sid, planSeq, choice: choice.data };
}
