// Reads a stage's Python from the .py file beside its template: "# @block <name>" sections whose {{PLACEHOLDERS}}
// the template fills with Python literals, so the Python stays Python (lintable, highlighted) and out of strings.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LinguacodusError } from '../errors.ts';

const BLOCK_LINE = /^# @block ([a-z][a-z0-9-]*)$/;
const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;

export interface PythonTemplate {
  /** The named block with every placeholder filled; a placeholder without a value, or a value without a place, throws. */
  block(name: string, values?: Record<string, string>): string;
}

/** The blocks of a .py file (callers pass a path under their own import.meta.dirname and read it at module load). */
export function readPythonTemplate(path: string): PythonTemplate {
  const fileName = basename(path);
  const blocks = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  const close = () => {
    // The blank lines that separate blocks in the file are not part of them.
    if (name !== null) blocks.set(name, lines.join('\n').replace(/^\n+|\n+$/g, ''));
  };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const header = BLOCK_LINE.exec(line);
    if (!header) {
      if (name !== null) lines.push(line);
      continue;
    }
    close();
    name = header[1]!;
    lines = [];
    if (blocks.has(name)) throw new LinguacodusError('internal', `${fileName} has two blocks named ${name}.`);
  }
  close();
  return {
    block(block, values = {}) {
      const code = blocks.get(block);
      if (code === undefined) throw new LinguacodusError('internal', `${fileName} has no block ${block}.`);
      const used = new Set<string>();
      const filled = code.replace(PLACEHOLDER, (_, key: string) => {
        const value = values[key];
        if (value === undefined) {
          throw new LinguacodusError('internal', `${fileName} block ${block} needs a value for {{${key}}}.`);
        }
        used.add(key);
        return value;
      });
      const unused = Object.keys(values).filter((key) => !used.has(key));
      if (unused.length > 0) {
        throw new LinguacodusError(
          'internal',
          `${fileName} block ${block} has no place for ${unused.join(', ')}.`,
        );
      }
      return filled;
    },
  };
}
