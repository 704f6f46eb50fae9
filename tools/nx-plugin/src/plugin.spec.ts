import { describe, expect, it } from 'vitest';
import { createNodes } from './plugin.mjs';

describe('createNodes', () => {
  it('infers bundle, run, container and image for every pipelines/*/package.json', async () => {
    const [pattern, infer] = createNodes;
    expect(pattern).toBe('pipelines/*/package.json');
    const results = await infer(['pipelines/orders/package.json'], undefined, { workspaceRoot: '/repo', nxJsonConfiguration: {} });
    expect(results.map(([file, result]) => [file, Object.keys(result.projects ?? {})])).toEqual([
      ['pipelines/orders/package.json', ['pipelines/orders']],
    ]);
    const targets = results[0]?.[1].projects?.['pipelines/orders']?.targets ?? {};
    expect(Object.keys(targets)).toEqual(['bundle', 'run', 'container', 'image']);
    expect(targets.bundle).toMatchObject({
      command: 'node ../../tools/bundle.mjs src/main.ts dist/main.mjs --external-packages',
      options: { cwd: '{projectRoot}' },
      cache: true,
    });
    expect(targets.run).toMatchObject({ command: 'node pipelines/orders/dist/main.mjs', dependsOn: ['bundle'] });
    expect(targets.container).toMatchObject({
      command: 'node tools/nx-plugin/src/container.mjs pipelines/orders',
      dependsOn: ['bundle'],
      outputs: ['{projectRoot}/dist/container'],
      cache: true,
    });
    expect(targets.image).toMatchObject({ command: 'node tools/nx-plugin/src/image.mjs pipelines/orders', dependsOn: ['container'] });
  });
});
