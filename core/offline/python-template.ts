// Reads a stage's Python from the .py file beside its template: "# @block <name>" sections, each rendered with
// nunjucks (Jinja2 syntax) at generation time. What the engine knows when it writes a script (data type, column
// kinds, task kind, metric, model family, quick-mode constants) picks the code with {% if %}; the script never tests
// those facts again. Values are filled with the `py` filter, which writes Python literals. nunjucks, because it is
// the well-kept Jinja2 engine for Node: the templates stay readable as Python with a few Jinja lines between.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import nunjucks from 'nunjucks';
import { LinguacodusError } from '../errors.ts';
import { type PyValue, py } from './python-literal.ts';

const BLOCK_LINE = /^# @block ([a-z][a-z0-9-]*)$/;

const environment = new nunjucks.Environment(null, {
  autoescape: false,
  throwOnUndefined: true,
  // A {% tag %} line leaves no blank line or indentation behind.
  trimBlocks: true,
  lstripBlocks: true,
});
environment.addFilter('py', (value: PyValue) => py(value));
environment.addFilter('constant', (values: PyValue[], name: string) => pyConstant(name, values));

const LINE_LENGTH = 120;

/**
 * `NAME = [...]` for a list constant: on one line when it fits, else packed into lines of at most LINE_LENGTH
 * between `# fmt: off` and `# fmt: on`, since black would give each of a long column list's names a line of its own.
 */
export function pyConstant(name: string, values: PyValue[]): string {
  const flat = `${name} = ${py(values)}`;
  if (flat.length <= LINE_LENGTH) return flat;
  const lines: string[] = [];
  let line = '   ';
  for (const value of values) {
    const item = ` ${py(value)},`;
    if (line.length + item.length > LINE_LENGTH) {
      lines.push(line);
      line = '   ';
    }
    line += item;
  }
  lines.push(line);
  return ['# fmt: off', `${name} = [`, ...lines, ']', '# fmt: on'].join('\n');
}

export type TemplateValues = Record<string, unknown>;

export interface PythonTemplate {
  /** The named block rendered with the values; a name the block uses without a value throws. */
  block(name: string, values?: TemplateValues): string;
}

/** The blocks of a .py file (callers pass a path under their own import.meta.dirname and read it at module load). */
export function readPythonTemplate(path: string): PythonTemplate {
  const fileName = basename(path);
  const blocks = new Map<string, nunjucks.Template>();
  let name: string | null = null;
  let lines: string[] = [];
  const close = () => {
    // The blank lines that separate blocks in the file are not part of them.
    if (name === null) return;
    const source = lines.join('\n').replace(/^\n+|\n+$/g, '');
    blocks.set(name, new nunjucks.Template(source, environment, `${fileName}#${name}`, true));
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
      const template = blocks.get(block);
      if (template === undefined)
        throw new LinguacodusError('internal', `${fileName} has no block ${block}.`);
      try {
        return template.render(values).replace(/^\n+|\n+$/g, '');
      } catch (error) {
        throw new LinguacodusError('internal', `${fileName} block ${block} could not be rendered.`, {
          cause: error,
        });
      }
    },
  };
}
