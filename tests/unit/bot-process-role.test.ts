// The bot's roles: which queues each takes, the worker's --queues, and the readiness line's words.
import { describe, expect, it } from 'vitest';
import { describeRole, holdsSurfaces, parseWorkerArgs, workersOf } from '../../bot/process-role.ts';

describe('process roles', () => {
  it('serve holds surfaces and their deliveries only; worker takes jobs and holds no surface', () => {
    expect(workersOf({ kind: 'all' })).toEqual(['plan', 'run', 'deliver']);
    expect(workersOf({ kind: 'serve' })).toEqual(['deliver']);
    expect(workersOf({ kind: 'worker', queues: ['run'] })).toEqual(['run']);
    expect(holdsSurfaces({ kind: 'serve' })).toBe(true);
    expect(holdsSurfaces({ kind: 'worker', queues: ['plan', 'run'] })).toBe(false);
  });

  it('reads --queues', () => {
    expect(parseWorkerArgs([])).toEqual({ queues: ['plan', 'run'] });
    expect(parseWorkerArgs(['--queues', 'run'])).toEqual({ queues: ['run'] });
    expect(parseWorkerArgs(['--queues=plan,run,plan'])).toEqual({ queues: ['plan', 'run'] });
    expect(String(parseWorkerArgs(['--queues', 'deliver']))).toBe(
      'Error: --queues takes plan, run or plan,run (not "deliver")',
    );
    expect(String(parseWorkerArgs(['--queues']))).toMatch(/not nothing/);
    expect(String(parseWorkerArgs(['--fast']))).toBe('Error: unknown option --fast');
  });

  it('says what each role does', () => {
    expect(describeRole({ kind: 'serve' }, ['web', 'slack'])).toBe(
      'serves web, slack and delivers their replies; takes no plan or run jobs; plan and run jobs are left to worker processes',
    );
    expect(describeRole({ kind: 'worker', queues: ['run'] }, [])).toBe(
      'serves no chat; takes run jobs; plan jobs are left to worker processes; replies are delivered by the processes serving the chat',
    );
    expect(describeRole({ kind: 'all' }, ['web'])).toBe(
      'serves web and delivers their replies; takes plan and run jobs',
    );
  });
});
