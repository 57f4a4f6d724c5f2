// The Slack app manifest asks for exactly the scopes and events the adapter uses, no more, no fewer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLACK_BOT_EVENTS, SLACK_BOT_SCOPES } from '../../adapters/slack/app-scopes.ts';

const manifest = readFileSync(new URL('../../slack-app-manifest.yaml', import.meta.url), 'utf8');

/** The "- item" lines under a key, until the indentation drops back (enough YAML for this flat file). */
function listUnder(key: string): string[] {
  const lines = manifest.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${key}:`);
  if (start < 0) return [];
  const indent = (lines[start] ?? '').search(/\S/);
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim().startsWith('#') || line.trim() === '') continue;
    if (line.search(/\S/) <= indent) break;
    const item = line.trim().match(/^- (\S+)$/);
    if (item?.[1]) items.push(item[1]);
  }
  return items;
}

describe('slack-app-manifest.yaml', () => {
  it('lists exactly the bot scopes the adapter uses', () => {
    expect(listUnder('bot').sort()).toEqual(Object.keys(SLACK_BOT_SCOPES).sort());
  });

  it('subscribes to exactly the bot events the adapter handles', () => {
    expect(listUnder('bot_events').sort()).toEqual(Object.keys(SLACK_BOT_EVENTS).sort());
  });

  it('enables interactivity for the buttons and Socket Mode by default', () => {
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
    expect(manifest).toMatch(/socket_mode_enabled: true/);
  });
});
