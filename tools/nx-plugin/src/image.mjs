#!/usr/bin/env node
// @ts-check
// `nx run <pipeline>:image`: the image from dist/container/ and the one Dockerfile, tagged etl/<name>:<git SHA>.
// Usage: node tools/nx-plugin/src/image.mjs pipelines/<name>   (from the workspace root)
import { execFileSync, spawnSync } from 'node:child_process';
import { basename } from 'node:path';

const [projectRoot] = process.argv.slice(2);
if (!projectRoot) {
  console.error('usage: image.mjs pipelines/<name>');
  process.exit(2);
}
const name = basename(projectRoot);
const build = [
  'build',
  '-f',
  'tools/nx-plugin/Dockerfile',
  '--build-arg',
  `PIPELINE=${name}`,
  '-t',
  `etl/${name}:${imageTag()}`,
  `${projectRoot}/dist/container`,
];

// `docker version` asks the daemon for its version: it fails when none answers (or no docker CLI at all).
const daemon = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 15_000 });
if (daemon.status !== 0) {
  console.error(`no Docker daemon: build the image where one runs: docker ${build.join(' ')}`);
  process.exit(1);
}
const result = spawnSync('docker', build, { stdio: 'inherit' });
process.exit(result.status ?? 1);

/**
 * The commit's SHA; `-dirty` when tracked files differ from it, so an image built from uncommitted code never
 * takes a commit's tag (ECR tags are immutable, and a deploy names its image by SHA).
 */
function imageTag() {
  const git = (/** @type {string[]} */ ...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  const sha = git('rev-parse', 'HEAD');
  return git('status', '--porcelain', '--untracked-files=no') === '' ? sha : `${sha}-dirty`;
}
