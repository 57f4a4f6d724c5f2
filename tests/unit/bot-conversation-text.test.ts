// How the bot reads chat text: thread commands recognised. (Mentions are stripped by each adapter, and tested with
// its translate-events; corrections of the task are read by intake, tests/unit/intake-replies.test.ts.)
import { describe, expect, it } from 'vitest';
import { autoMinutes, parseCommand } from '../../bot/conversation/commands.ts';

describe('reading chat text', () => {
  it('recognises the four thread commands and nothing else', () => {
    expect(parseCommand(' Help ')).toBe('help');
    expect(parseCommand('/status')).toBe('status');
    expect(parseCommand('cancel')).toBe('cancel');
    expect(parseCommand('rerun')).toBe('rerun');
    expect(parseCommand('please cancel it')).toBeNull();
    expect(parseCommand('')).toBeNull();
  });

  it('reads `auto [minutes]`: 10 minutes without a number, at least 1, at most the configured maximum', () => {
    expect(parseCommand('auto')).toBe('auto');
    expect(parseCommand('/auto 5')).toBe('auto');
    expect(parseCommand('auto five')).toBeNull();
    expect(autoMinutes('auto', 30)).toBe(10);
    expect(autoMinutes('auto 5', 30)).toBe(5);
    expect(autoMinutes('auto 90', 30)).toBe(30);
    expect(autoMinutes('auto 0', 30)).toBe(1);
    expect(autoMinutes('auto', 4)).toBe(4);
  });
});
