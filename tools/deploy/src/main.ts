import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { readEnvironment, renameResources, targetOf, targetProblems } from './environment.js';
import { pipelines as declared } from './pipelines.js';

// `nx run deploy:synth [-- --environment prod] [-- --account 123456789012 --region eu-west-1 --image_tag <sha>]`:
// every stack into cdk.out/, offline. `--environment <name>` reads environments/<name>.json (account, region, and
// the environment's names for what the pipelines declare); --account/--region given as well win over it. Without
// either, the account is a placeholder no one owns, so the synth cannot deploy.
const usage =
  'deploy:synth [--environment <name>] [--account <12 digits>] [--region <aws region>] [--partition aws] [--image_tag <tag>] [--outdir cdk.out]';
let assembly: CloudAssembly;
try {
  const { values } = parseArgs({
    options: {
      environment: { type: 'string' },
      account: { type: 'string' },
      region: { type: 'string' },
      partition: { type: 'string' },
      image_tag: { type: 'string' },
      outdir: { type: 'string', default: 'cdk.out' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const environment = values.environment === undefined ? undefined : readEnvironment('environments', values.environment);
  const base = environment ? targetOf(environment) : { account: '000000000000', region: 'eu-west-1', partition: 'aws' };
  const target = {
    account: values.account ?? base.account,
    region: values.region ?? base.region,
    partition: values.partition ?? base.partition,
  };
  const imageTag = values.image_tag ?? execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const problems = [
    ...targetProblems(target).map((p) => `--${p}`),
    // ECR's rule for an image tag.
    ...(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(imageTag)
      ? []
      : [`--image_tag: "${imageTag}" is not an image tag (letters, digits, _ . -)`]),
  ];
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const pipelines = environment?.names ? renameResources(declared, environment.names) : declared;
  // CDK loads only once the arguments are good: a refusal is quick.
  const { buildApp } = await import('./app.js');
  assembly = buildApp({ target, imageTag, pipelines, outdir: values.outdir }).synth();
  const where = values.environment === undefined ? 'no environment' : `environment ${values.environment}`;
  console.log(`${where}: account ${target.account}, region ${target.region}, image ${imageTag}`);
} catch (error) {
  // parseArgs' own errors (an unknown option, a missing value) get the usage line instead of a stack trace.
  const code = (error as { code?: string }).code;
  console.error(code?.startsWith('ERR_PARSE_ARGS') ? `${(error as Error).message}; usage: ${usage}` : (error as Error).message);
  process.exit(2);
}

const findings = assembly.stacks.flatMap((stack) =>
  stack.messages.filter((m) => m.level === 'error').map((m) => `${stack.stackName} ${m.id}: ${String(m.entry.data)}`),
);
if (findings.length > 0) {
  console.error(findings.join('\n'));
  console.error(`${findings.length} cdk-nag finding(s) unsuppressed: fix them, or suppress each with its reason`);
  process.exitCode = 1;
} else {
  console.log(`${assembly.stacks.length} stacks in ${assembly.directory}`);
}
