import { type DeployTarget, fillTarget } from './arns.js';
import type { JobArgs } from './declaration.js';

/**
 * A run's command line as AWS Glue passes one: `--JOB_NAME <job>` first, then `--name value` per argument in
 * the declared order and a bare `--flag` for `true`. The image's entrypoint is the pipeline, so this is the whole command.
 */
export function glueArgs(jobName: string, args: JobArgs, target: DeployTarget): string[] {
  const command = ['--JOB_NAME', jobName];
  for (const [name, value] of Object.entries(args)) {
    if (value === true) command.push(`--${name}`);
    else command.push(`--${name}`, fillTarget(value, target));
  }
  return command;
}
