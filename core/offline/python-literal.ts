// Renders JSON-like values as Python literals for the constants at the top of generated scripts.

export type PyValue = string | number | boolean | null | undefined | PyValue[] | { [key: string]: PyValue };

/** A Python literal for the value (strings via JSON escapes, which Python string literals accept). */
export function py(value: PyValue): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'None';
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${py(v)}`);
  return `{${entries.join(', ')}}`;
}

/** A column-name list as a Python list literal. */
export function pyList(names: readonly string[]): string {
  return py([...names]);
}
