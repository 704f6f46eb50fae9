import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));

describe('image.mjs', () => {
  it('without a Docker daemon exits 1 with one line: the docker build to run where one runs, tagged by git SHA', () => {
    // A socket nobody listens on: the same answer on a machine that does run Docker.
    const result = spawnSync(process.execPath, ['tools/nx-plugin/src/image.mjs', 'pipelines/sample-orders'], {
      cwd: workspaceRoot,
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspaceRoot, encoding: 'utf8' }).trim();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^no Docker daemon: build the image where one runs: docker build -f tools/nx-plugin/Dockerfile --build-arg PIPELINE=sample-orders -t etl/sample-orders:${sha}(-dirty)? pipelines/sample-orders/dist/container$`,
      ),
    );
  });
});
