import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // The synthesised templates (nx run deploy:synth).
  { ignores: ['cdk.out'] },
  {
    // The one file that reads every pipeline's resources.ts: deploying composes all pipelines, and no runtime code imports this tool.
    files: ['src/pipelines.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
