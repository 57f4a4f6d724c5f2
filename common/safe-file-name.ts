// One rule for a file name that came from a chat user, before it names anything on disk or in a download.
import path from 'node:path';

/** No folders, no dot-files, nothing odd; at most 120 characters. */
export function safeFileName(name: string): string {
  const base = path
    .basename(name)
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '');
  return (base || 'file').slice(0, 120);
}
