import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, parseConfig } from '../../bot/config.ts';

function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('starts with no configuration at all: web chat on loopback, offline engine for every role', () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.WEB_CHAT).toBe(true);
    expect(config.SANDBOX_DRIVER).toBe('bwrap');
    expect(config.roles.instructor).toBeUndefined();
    expect(config.roles.coder).toBeUndefined();
  });

  it('names each bad variable and what it expects', () => {
    const problems = problemsOf({ REDIS_URL: 'nonsense', PORT: '-1', SANDBOX_DRIVER: 'chroot' });
    const byName = Object.fromEntries(problems.map((p) => [p.variable, p.message]));
    expect(Object.keys(byName).sort()).toEqual(['PORT', 'REDIS_URL', 'SANDBOX_DRIVER']);
    expect(byName.REDIS_URL).toMatch(/redis:\/\//);
    expect(byName.PORT).toMatch(/1 to 65535/);
    expect(byName.SANDBOX_DRIVER).toMatch(/bwrap or docker/);
  });

  it('the error message is one readable block, not a stack trace', () => {
    try {
      parseConfig({ PORT: 'abc' });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).toMatch(/^Invalid configuration:\n {2}PORT: /);
      expect(String((error as Error).message)).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('requires an access token when the web chat binds beyond loopback', () => {
    expect(problemsOf({ HOST: '0.0.0.0' }).map((p) => p.variable)).toEqual(['WEB_ACCESS_TOKEN']);
    expect(problemsOf({ HOST: '0.0.0.0', WEB_ACCESS_TOKEN: 'a-long-enough-token-1234' })).toEqual([]);
  });

  it('reads WEB_USERS as name=token pairs, which also allow a non-loopback bind, and names a bad pair', () => {
    const config = parseConfig({
      HOST: '0.0.0.0',
      WEB_USERS: 'Ann=ann-token-0123456789, Bob Li=bob-token-0123456789',
    });
    expect(config.WEB_USERS).toEqual([
      { name: 'Ann', token: 'ann-token-0123456789' },
      { name: 'Bob Li', token: 'bob-token-0123456789' },
    ]);
    expect(parseConfig({}).WEB_USERS).toEqual([]);
    expect(problemsOf({ WEB_USERS: 'Ann=short' }).map((p) => p.variable)).toEqual(['WEB_USERS']);
    expect(problemsOf({ WEB_USERS: '=no-name-token-0123456789' }).map((p) => p.variable)).toEqual([
      'WEB_USERS',
    ]);
    expect(
      problemsOf({ WEB_USERS: 'Ann=same-token-0123456789,Bob=same-token-0123456789' }).map((p) => p.variable),
    ).toEqual(['WEB_USERS']);
    expect(problemsOf({ WEB_COOKIE_SECRET: 'too-short' }).map((p) => p.variable)).toEqual([
      'WEB_COOKIE_SECRET',
    ]);
  });

  it('builds a model role only when its endpoint is set, and wants a model name with it', () => {
    expect(problemsOf({ CODER_BASE_URL: 'http://127.0.0.1:8000/v1' }).map((p) => p.variable)).toEqual([
      'CODER_MODEL',
    ]);
    const config = parseConfig({ CODER_BASE_URL: 'http://127.0.0.1:8000/v1', CODER_MODEL: 'llama-2-7b-lc' });
    expect(config.roles.coder).toMatchObject({ model: 'llama-2-7b-lc', api: 'chat', apiKey: 'not-needed' });
  });

  it('treats empty values as unset, as .env files write them', () => {
    expect(parseConfig({ SLACK_BOT_TOKEN: '', PORT: '' }).PORT).toBe(3000);
  });

  it('Slack needs Socket Mode or HTTP mode credentials beside the bot token', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1-2-3' }).map((p) => p.variable)).toEqual(['SLACK_APP_TOKEN']);
  });

  it('the queue prefix carries a Redis Cluster hash tag by default, and takes a plain one', () => {
    expect(parseConfig({}).QUEUE_PREFIX).toBe('{linguacodus}');
    expect(parseConfig({ QUEUE_PREFIX: 'team-a' }).QUEUE_PREFIX).toBe('team-a');
    expect(parseConfig({ QUEUE_PREFIX: 'prod{lc}' }).QUEUE_PREFIX).toBe('prod{lc}');
    expect(problemsOf({ QUEUE_PREFIX: '{a}{b}' }).map((p) => p.variable)).toEqual(['QUEUE_PREFIX']);
  });

  it('Redis Sentinel: host:port pairs and the master name, both or neither', () => {
    const config = parseConfig({ REDIS_SENTINELS: '10.0.0.1:26379, [::1]:26380', REDIS_SENTINEL_NAME: 'lc' });
    expect(config.REDIS_SENTINELS).toEqual([
      { host: '10.0.0.1', port: 26379 },
      { host: '::1', port: 26380 },
    ]);
    expect(problemsOf({ REDIS_SENTINELS: '10.0.0.1:26379' }).map((p) => p.variable)).toEqual([
      'REDIS_SENTINEL_NAME',
    ]);
    expect(
      problemsOf({ REDIS_SENTINELS: 'sentinel', REDIS_SENTINEL_NAME: 'lc' }).map((p) => p.variable),
    ).toEqual(['REDIS_SENTINELS']);
  });

  it('Redis Cluster: host:port of its nodes, not with Sentinel', () => {
    expect(
      parseConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001' }).REDIS_CLUSTER_NODES,
    ).toHaveLength(2);
    const both = {
      REDIS_CLUSTER_NODES: '127.0.0.1:7000',
      REDIS_SENTINELS: '127.0.0.1:26379',
      REDIS_SENTINEL_NAME: 'lc',
    };
    expect(problemsOf(both).map((p) => p.variable)).toEqual(['REDIS_CLUSTER_NODES']);
  });

  it('README configuration table lists exactly the variables of the schema', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split('## Configuration')[1]?.split('\n## ')[0] ?? '';
    const inTable = [...section.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(inTable.sort()).toEqual(configVariables().sort());
  });

  it('.env.example lists every variable of the schema, each with a comment', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').split('\n');
    const names = example.flatMap((line, i) => {
      const m = /^([A-Z0-9_]+)=/.exec(line);
      if (!m) return [];
      expect(example[i - 1], `comment above ${m[1]}`).toMatch(/^# /);
      return [m[1]];
    });
    expect(names.sort()).toEqual(configVariables().sort());
  });
});
