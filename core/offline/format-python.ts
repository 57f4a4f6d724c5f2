// Formats a generated script with Debian's black, as people format the code they commit. Without black (a machine
// set up by hand) the script is returned as it is and the caller's log says so; black never runs the code.
import { execFile } from 'node:child_process';

const BLACK = process.env.BLACK_PATH ?? 'black';
/** Black's default (88) would break sklearn's long constructor and ColumnTransformer lines into towers of arguments. */
const LINE_LENGTH = '120';

export interface FormattedPython {
  code: string;
  /** Why the code was left as it was (black missing or refusing the code), or null when it was formatted. */
  skipped: string | null;
}

export function formatPython(code: string): Promise<FormattedPython> {
  return new Promise((resolve) => {
    const child = execFile(
      BLACK,
      ['--quiet', '--line-length', LINE_LENGTH, '--target-version', 'py39', '-'],
      { timeout: 20_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          resolve({
            code,
            skipped: `black did not format the script: ${(stderr || error.message).trim().split('\n')[0]}`,
          });
          return;
        }
        resolve({ code: stdout, skipped: null });
      },
    );
    child.stdin?.end(code);
  });
}
