import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { MAX_OUTPUT_LINE_CHARS, OutputLines } from '../../sandbox/output-lines.ts';
import { superviseProcess } from '../../sandbox/supervise-process.ts';
import { DEFAULT_LIMITS } from '../../sandbox/types.ts';

function splitter(maxChars?: number) {
  const lines: string[] = [];
  const out = new OutputLines((line) => lines.push(line), maxChars);
  return { lines, out, push: (text: string | Buffer) => out.push(Buffer.from(text)) };
}

describe('output lines for onOutput', () => {
  it('emits each complete line as soon as its newline arrives, and the last one without a newline at the end', () => {
    const { lines, out, push } = splitter();
    push('fold 1 of 5\nfold 2');
    expect(lines).toEqual(['fold 1 of 5']);
    push(' of 5\n');
    expect(lines).toEqual(['fold 1 of 5', 'fold 2 of 5']);
    push('done');
    expect(lines).toHaveLength(2);
    out.end();
    expect(lines).toEqual(['fold 1 of 5', 'fold 2 of 5', 'done']);
  });

  it('keeps blank lines, and emits nothing at the end when the output ended with a newline', () => {
    const { lines, out, push } = splitter();
    push('a\n\nb\n');
    out.end();
    expect(lines).toEqual(['a', '', 'b']);
  });

  it('treats \\r\\n as one line end, even split across chunks, and a bare \\r (a progress bar) as a line end', () => {
    const { lines, out, push } = splitter();
    push('one\r');
    push('\ntwo\r\n');
    push(' 10%\r 50%\r100%\n');
    out.end();
    expect(lines).toEqual(['one', 'two', ' 10%', ' 50%', '100%']);
  });

  it('decodes a multi-byte character split across two chunks whole', () => {
    const { lines, out, push } = splitter();
    const bytes = Buffer.from('größe €\n');
    push(bytes.subarray(0, 3)); // "gr" and the first byte of "ö"
    push(bytes.subarray(3));
    out.end();
    expect(lines).toEqual(['größe €']);
  });

  it('cuts a long line at the cap and drops its rest without buffering it, then goes on with the next line', () => {
    const { lines, out, push } = splitter(10);
    push('x'.repeat(7));
    push('y'.repeat(1_000_000));
    push('zzz\nshort\n');
    push('q'.repeat(30));
    out.end();
    expect(lines).toEqual([`${'x'.repeat(7)}yyy…`, 'short', `${'q'.repeat(10)}…`]);
  });

  it('caps at 500 characters by default and never leaves half an emoji before the mark', () => {
    const { lines, out, push } = splitter();
    push(`${'a'.repeat(MAX_OUTPUT_LINE_CHARS - 1)}😀😀\n`);
    out.end();
    expect(MAX_OUTPUT_LINE_CHARS).toBe(500);
    expect(lines).toEqual([`${'a'.repeat(MAX_OUTPUT_LINE_CHARS - 1)}…`]);
  });
});

describe('supervised process output to onOutput', () => {
  /**
   * A child as superviseProcess sees it, with no process behind it: two pipes and a 'close' event once both have
   * ended (a unit test starts no process; the sandbox drivers' integration tests run real ones).
   */
  function fakeChild() {
    const child = Object.assign(new EventEmitter(), { stdout: new PassThrough(), stderr: new PassThrough() });
    return {
      child: child as unknown as ChildProcess,
      async exit(stdout: string[], stderr: string[], code: number) {
        for (const chunk of stdout) child.stdout.write(chunk);
        for (const chunk of stderr) child.stderr.write(chunk);
        child.stdout.end();
        child.stderr.end();
        await Promise.all([finished(child.stdout), finished(child.stderr)]);
        child.emit('close', code, null);
      },
    };
  }

  it('hands over both streams, tagged, and survives a listener that throws or rejects', async () => {
    const seen: string[] = [];
    const { child, exit } = fakeChild();
    const supervised = superviseProcess({
      child,
      startedAt: performance.now(),
      limits: { ...DEFAULT_LIMITS, timeoutMs: 10_000 },
      // Never measured: the process ends long before the first poll.
      workDir: '/nonexistent',
      diskPollMs: 600_000,
      kill: async () => undefined,
      onOutput: (async (line: string, stream: 'stdout' | 'stderr') => {
        seen.push(`${stream}:${line}`);
        throw new Error('async listener bug');
      }) as (line: string, stream: 'stdout' | 'stderr') => void,
    });
    await exit(['one\n', 'three'], ['two\n'], 0);
    const outcome = await supervised;
    expect(outcome.exitCode).toBe(0);
    expect(seen.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
    expect(outcome.stdout.text()).toBe('one\nthree');
    expect(outcome.stderr.text()).toBe('two\n');
  });
});
