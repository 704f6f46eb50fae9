import { App, Aspects, Tags } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { DeployTarget } from './arns.js';
import { checkResources } from './check.js';
import type { PipelineResources } from './declaration.js';
import { sharedStackName, stackName } from './names.js';
import { BatchStack } from './stacks/batch-stack.js';
import { PipelineStack } from './stacks/pipeline-stack.js';

export interface DeployOptions {
  readonly target: DeployTarget;
  /** The image tag every job definition runs (a git SHA). */
  readonly imageTag: string;
  readonly pipelines: Readonly<Record<string, PipelineResources>>;
  /** Where the cloud assembly goes (CDK's default layout: <stack>.template.json, manifest.json). */
  readonly outdir?: string;
}

/**
 * The CDK app: the shared Batch stack and one stack per pipeline, with cdk-nag's AwsSolutions checks on
 * every construct (an unsuppressed finding is an error annotation). Every declaration is checked first;
 * all problems are reported at once.
 */
export function buildApp(options: DeployOptions): App {
  const problems = Object.entries(options.pipelines).flatMap(([name, resources]) => checkResources(name, resources));
  if (problems.length > 0) throw new Error(problems.join('\n'));

  const app = new App({ outdir: options.outdir, analyticsReporting: false });
  const env = { account: options.target.account, region: options.target.region };
  // Construct ids are the stack names, so `cdk deploy <stack name>` selects them (the CLI matches ids).
  const shared = new BatchStack(app, sharedStackName, { stackName: sharedStackName, env });
  for (const [pipeline, resources] of Object.entries(options.pipelines)) {
    const stack = new PipelineStack(app, stackName(pipeline), {
      stackName: stackName(pipeline),
      env,
      pipeline,
      resources,
      target: options.target,
      imageTag: options.imageTag,
      pipelines: options.pipelines,
    });
    // The queue it submits to and the topic it notifies live there (referred to by name: no exports).
    stack.addStackDependency(shared);
    Tags.of(stack).add('etl:pipeline', pipeline);
  }
  Aspects.of(app).add(new AwsSolutionsChecks());
  return app;
}
