// The docker driver with a remote engine (DOCKER_HOST=tcp://… or ssh://…): the engine cannot see this machine's
// folders, so the work folder and inputs go in and the outputs come back through `docker cp` instead of bind mounts.
// Run here against the local engine with the copy mode forced: the same calls a remote engine gets.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDockerRunArgv, DockerSandbox, engineIsRemote } from '../../sandbox/docker-driver.ts';

describe('DOCKER_HOST', () => {
  it('names a remote engine only for a network address', () => {
    expect(engineIsRemote({})).toBe(false);
    expect(engineIsRemote({ DOCKER_HOST: 'unix:///var/run/docker.sock' })).toBe(false);
    expect(engineIsRemote({ DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toBe(true);
    expect(engineIsRemote({ DOCKER_HOST: 'ssh://runner@gpu-box' })).toBe(true);
  });

  it('creates the container with volumes instead of bind mounts for a remote engine', () => {
    const argv = buildDockerRunArgv({
      containerName: 'c',
      image: 'img',
      workDir: '/host/work',
      inputs: [{ hostPath: '/host/data.csv', name: 'train.csv' }],
      limits: {
        timeoutMs: 1000,
        memoryMb: 256,
        maxProcesses: 16,
        cpuSeconds: 10,
        maxFileMb: 16,
        maxWorkDirMb: 32,
        maxOutputBytes: 1024,
      },
      entry: 'main.py',
      args: [],
      env: {},
      threads: 1,
      deadlineMs: Date.now() + 1000,
      copyFiles: true,
    });
    expect(argv[0]).toBe('create');
    expect(argv.join(' ')).not.toContain('/host/');
    expect(argv.join(' ')).toContain('--volume /work --volume /input --workdir /work/run');
    expect(argv.at(-1)).toBe('/work/run/main.py');
  });

  it('runs a script that reads an input file and folder and writes outputs, all through docker cp', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lc-dockerhost-'));
    writeFileSync(path.join(dir, 'data.csv'), 'a,b\n1,2\n');
    mkdirSync(path.join(dir, 'images'));
    writeFileSync(path.join(dir, 'images', 'x.png'), 'png');
    const sandbox = new DockerSandbox({ copyFiles: true, limits: { timeoutMs: 60_000 } });
    const result = await sandbox.execute({
      files: [
        {
          path: 'main.py',
          content: [
            'import os',
            "rows = open('/input/train.csv').read()",
            "pics = os.listdir('/input/pictures')",
            "open('out.csv', 'w').write(rows.upper())",
            "os.makedirs('sub', exist_ok=True)",
            "open('sub/n.txt', 'w').write(str(len(pics)))",
            "print('done', len(rows))",
          ].join('\n'),
        },
      ],
      entry: 'main.py',
      inputs: [
        { hostPath: path.join(dir, 'data.csv'), name: 'train.csv' },
        { hostPath: path.join(dir, 'images'), name: 'pictures' },
      ],
      collect: ['*'],
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe('done 8');
    const files = Object.fromEntries(result.files.map((f) => [f.name, f.bytes.toString()]));
    expect(files['out.csv']).toBe('A,B\n1,2\n');
    expect(files['sub/n.txt']).toBe('1');
  });
});
