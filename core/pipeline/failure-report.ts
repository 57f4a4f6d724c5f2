// Turns a failed sandbox run into the error text the coder sees: what happened, the failing line of the
// script and its text, the exception, and the tail of stderr.
import type { Execution } from '../../sandbox/types.ts';

/** The script's file name inside the sandbox work folder. */
export const SCRIPT_FILE = 'main.py';

const STDERR_TAIL_CHARS = 3000;

export interface TracebackPoint {
  line: number;
  text: string | null;
}

/** Last `n` characters of a text, cut at a line start so the coder never sees half a line. */
export function tail(text: string, n: number): string {
  if (text.length <= n) return text;
  const cut = text.slice(-n);
  const newline = cut.indexOf('\n');
  return newline >= 0 ? cut.slice(newline + 1) : cut;
}

/**
 * The deepest traceback frame inside the script (not in a library), with the script's text at that line.
 * Library frames come after it in a Python traceback; the script's own frame is what the coder can change.
 */
export function failingLine(stderr: string, code: string, file = SCRIPT_FILE): TracebackPoint | null {
  const pattern = /File "([^"]+)", line (\d+)/g;
  let found: number | null = null;
  for (const match of stderr.matchAll(pattern)) {
    const path = match[1] ?? '';
    if (path === file || path.endsWith(`/${file}`)) found = Number(match[2]);
  }
  if (found === null) return null;
  const text = code.split('\n')[found - 1];
  return { line: found, text: text === undefined ? null : text.trim() };
}

/** The exception line that ends a traceback, e.g. `KeyError: 'Age'`. */
function exceptionLine(stderr: string): string | null {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (/^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit|Warning)\b/.test(line)) return line;
  }
  return null;
}

/**
 * The error fed back to the coder, or null when the run succeeded and the submission passed its check.
 * `submissionProblem` is the submission checker's message (null when the submission is valid).
 */
export function describeFailure(
  execution: Execution,
  code: string,
  submissionProblem: string | null,
  timeoutMs?: number,
): string | null {
  const parts: string[] = [];
  if (execution.timedOut) {
    parts.push(
      `The script was stopped after running past the time limit${timeoutMs ? ` of ${Math.round(timeoutMs / 1000)} s` : ''}. Make it faster: fewer estimators or folds, or sample the training rows.`,
    );
  } else if (execution.oomKilled) {
    parts.push(
      'The script ran out of memory and was killed. Use fewer features, smaller models or fewer rows.',
    );
  } else if (execution.exitCode !== 0) {
    parts.push(
      `The script failed with exit code ${execution.exitCode ?? 'none'}${execution.signal ? ` (signal ${execution.signal})` : ''}.`,
    );
    const exception = exceptionLine(execution.stderr);
    if (exception) parts.push(`Error: ${exception}`);
    const point = failingLine(execution.stderr, code);
    if (point) parts.push(`Failing line ${point.line}: ${point.text ?? '(beyond the end of the script)'}`);
  } else if (submissionProblem) {
    parts.push(`The script finished but its submission is not valid: ${submissionProblem}`);
  } else {
    return null;
  }
  const stderr = tail(execution.stderr.trim(), STDERR_TAIL_CHARS);
  if (stderr) parts.push(`stderr (last lines):\n${stderr}`);
  return parts.join('\n');
}
