// Text helpers both platform renderers (Slack blocks, Discord components) share: clamping, splitting, progress bars, snippet names.

/** Shortens text to at most max characters, marking the cut with an ellipsis. */
export function clampText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Splits text into pieces of at most max characters, preferring line breaks. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

/** A ten-cell text bar with the count, e.g. "▰▰▰▱▱▱▱▱▱▱ 1/3": readable on every client, no images needed. */
export function progressBar(step: number, total: number): string {
  const cells = 10;
  const filled = Math.max(0, Math.min(cells, Math.round((step / total) * cells)));
  return `${'▰'.repeat(filled)}${'▱'.repeat(cells - filled)} ${step}/${total}`;
}

const languageExtensions: Record<string, string> = {
  python: 'py',
  py: 'py',
  json: 'json',
  markdown: 'md',
  md: 'md',
  text: 'txt',
  bash: 'sh',
  sh: 'sh',
  csv: 'csv',
  yaml: 'yaml',
};

/** The file name for the index-th code block sent as a file when it had none: snippet-1.py, snippet-2.txt, ... */
export function snippetFilename(language: string, index: number): string {
  return `snippet-${index + 1}.${languageExtensions[language.toLowerCase()] ?? 'txt'}`;
}
