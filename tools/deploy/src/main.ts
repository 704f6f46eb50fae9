import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildApp } from './app.js';
import { pipelines } from './pipelines.js';

// `nx run deploy:synth [-- --account 123456789012 --region eu-west-1 --image_tag <sha>]`: every stack into
// cdk.out/, offline. The default account is a placeholder no one owns, so a synth without --account cannot deploy.
const { values } = parseArgs({
  options: {
    account: { type: 'string', default: '000000000000' },
    region: { type: 'string', default: 'eu-west-1' },
    partition: { type: 'string', default: 'aws' },
    image_tag: { type: 'string' },
    outdir: { type: 'string', default: 'cdk.out' },
  },
});
const imageTag = values.image_tag ?? execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const assembly = buildApp({
  target: { account: values.account, region: values.region, partition: values.partition },
  imageTag,
  pipelines,
  outdir: values.outdir,
}).synth();

const findings = assembly.stacks.flatMap((stack) =>
  stack.messages.filter((m) => m.level === 'error').map((m) => `${stack.stackName} ${m.id}: ${String(m.entry.data)}`),
);
if (findings.length > 0) {
  console.error(findings.join('\n'));
  console.error(`${findings.length} cdk-nag finding(s) unsuppressed: fix them, or suppress each with its reason`);
  process.exitCode = 1;
} else {
  console.log(`${assembly.stacks.length} stacks (image ${imageTag}) in ${assembly.directory}`);
}
