// What the browser sees of a stored message: file paths on the host become download URLs.
import type { Block, FileRef } from '../../bot/messages.ts';
import type { WebMessage } from './web-store.ts';

export interface FileView {
  name: string;
  mime: string;
  bytes: number;
  url: string;
}

export type BlockView =
  | Exclude<Block, { kind: 'image' } | { kind: 'file' }>
  | { kind: 'image'; file: FileView; alt: string }
  | { kind: 'file'; file: FileView };

export interface MessageView extends Omit<WebMessage, 'files' | 'blocks'> {
  files: FileView[];
  blocks: BlockView[] | null;
  replyCount?: number;
}

/** Every file a message refers to, in a fixed order: its uploads, then those in its blocks. */
export function filesOf(m: WebMessage): FileRef[] {
  const inBlocks = (m.blocks ?? []).flatMap((b) => (b.kind === 'image' || b.kind === 'file' ? [b.file] : []));
  return [...m.files, ...inBlocks];
}

export function toView(m: WebMessage, replyCount?: number): MessageView {
  let i = 0;
  const view = (f: FileRef): FileView => ({
    name: f.name,
    mime: f.mime,
    bytes: f.bytes,
    url: `/files/${encodeURIComponent(m.id)}/${i++}/${encodeURIComponent(f.name)}`,
  });
  const files = m.files.map(view);
  const blocks = m.blocks?.map((b): BlockView => {
    if (b.kind === 'image') return { kind: 'image', file: view(b.file), alt: b.alt };
    if (b.kind === 'file') return { kind: 'file', file: view(b.file) };
    return b;
  });
  return { ...m, files, blocks: blocks ?? null, ...(replyCount === undefined ? {} : { replyCount }) };
}
