// How the bot reads chat text: thread commands recognised. (Mentions are stripped by each adapter, and tested with
// its translate-events; corrections of the task are read by intake, tests/unit/intake-replies.test.ts.)
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/conversation/commands.ts';

describe('reading chat text', () => {
  it('recognises the four thread commands and nothing else', () => {
    expect(parseCommand(' Help ')).toBe('help');
    expect(parseCommand('/status')).toBe('status');
    expect(parseCommand('cancel')).toBe('cancel');
    expect(parseCommand('rerun')).toBe('rerun');
    expect(parseCommand('please cancel it')).toBeNull();
    expect(parseCommand('')).toBeNull();
  });
});
