// Python out of a model's answer: fenced blocks, several blocks, a cut-off fence, or bare code.
import { LinguacodusError } from '../errors.ts';

interface Block {
  lang: string;
  code: string;
  /** False for a fence never closed: the answer stopped inside it. */
  closed: boolean;
}

const PYTHON_LANGS = new Set(['python', 'py', 'python3', 'ipython', 'py3']);
/** Fences that are never the script (install commands, sample output, data). */
const OTHER_LANGS = new Set([
  'bash',
  'sh',
  'shell',
  'console',
  'text',
  'txt',
  'json',
  'csv',
  'yaml',
  'markdown',
  'md',
  'output',
]);

/** Fenced blocks in order; an unterminated last fence (a cut-off answer) counts up to the end. */
export function fencedBlocks(answer: string): Block[] {
  const text = answer.replace(/\r\n?/g, '\n');
  const blocks: Block[] = [];
  const fence = /^[ \t]*(`{3,}|~{3,})[ \t]*([\w+.-]*)[^\n]*\n/gm;
  let match: RegExpExecArray | null = fence.exec(text);
  while (match) {
    const marker = match[1] ?? '```';
    const start = match.index + match[0].length;
    const close = new RegExp(`^[ \\t]*${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`, 'm');
    const rest = text.slice(start);
    const end = close.exec(rest);
    const code = end ? rest.slice(0, end.index) : rest;
    blocks.push({
      lang: (match[2] ?? '').toLowerCase(),
      code: code.replace(/\n+$/, ''),
      closed: Boolean(end),
    });
    if (!end) break;
    fence.lastIndex = start + end.index + end[0].length;
    match = fence.exec(text);
  }
  return blocks;
}

/** Whether the answer's last code fence is never closed: the answer stopped inside its code block. */
export function unclosedFence(answer: string): boolean {
  // The newline lets a fence opened on the answer's very last line count as a block.
  return fencedBlocks(`${answer}\n`).at(-1)?.closed === false;
}

/**
 * The Python script in an answer. Several python blocks are joined in order when they read as parts of one
 * script; when one block holds most of the code the rest are usage snippets and the big one is taken.
 */
export function extractPython(answer: string): string {
  const blocks = fencedBlocks(answer).filter((b) => b.code.trim().length > 0);
  const python = blocks.filter(
    (b) =>
      PYTHON_LANGS.has(b.lang) || (!OTHER_LANGS.has(b.lang) && looksLikePython(b.code) && !isShell(b.code)),
  );
  if (python.length === 1) return finish(python[0]?.code ?? '');
  if (python.length > 1) {
    const total = python.reduce((n, b) => n + b.code.length, 0);
    const biggest = python.reduce((a, b) => (b.code.length > a.code.length ? b : a));
    if (biggest.code.length >= 0.7 * total && looksComplete(biggest.code)) return finish(biggest.code);
    return finish(python.map((b) => b.code.trim()).join('\n\n'));
  }
  if (blocks.length === 0) {
    const bare = stripProse(answer);
    if (bare && looksLikePython(bare)) return finish(bare);
  }
  throw new LinguacodusError('llm_bad_output', "The coder's answer held no Python code.", {
    cause: new Error(`no python in answer: ${answer.slice(0, 500)}`),
  });
}

/** Whether a text reads as Python: most non-blank lines are statements, comments or indented bodies. */
export function looksLikePython(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines.length === 0) return false;
  const codeLike = lines.filter((l) =>
    /^\s+\S|^\s*(#|import\s|from\s+\S+\s+import|def\s|class\s|if\s|elif\s|else:|for\s|while\s|try:|except|finally:|with\s|return\b|print\(|@|[A-Za-z_][\w.[\]'", ]*\s*[+\-*/]?=|[A-Za-z_][\w.]*\(|[)\]}])/.test(
      l,
    ),
  ).length;
  return (
    codeLike / lines.length >= 0.6 && /(^|\n)\s*(import |from |def |[A-Za-z_][\w.]*\s*=|print\()/.test(text)
  );
}

function looksComplete(code: string): boolean {
  return /^\s*(import|from)\s/m.test(code) && /read_csv|to_csv/.test(code);
}

function isShell(code: string): boolean {
  return /^\s*(\$ |pip3? install|python3? \S+\.py|conda |apt(-get)? )/m.test(code);
}

/** Bare answers often open with a sentence ("Here is the fixed script:") and close with another. */
function stripProse(answer: string): string {
  const lines = answer.replace(/\r\n?/g, '\n').split('\n');
  const isCode = (l: string) => looksLikePython(l) || /^\s*#/.test(l);
  let start = 0;
  while (start < lines.length && !isCode(lines[start] ?? '')) start++;
  let end = lines.length;
  while (end > start && !(lines[end - 1] ?? '').trim()) end--;
  while (end > start && /^[A-Z][^=()#]*[.!]$/.test((lines[end - 1] ?? '').trim())) end--;
  return lines.slice(start, end).join('\n').trim();
}

function finish(code: string): string {
  return `${code.replace(/\s+$/, '')}\n`;
}
