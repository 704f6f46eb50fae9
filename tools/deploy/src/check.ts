import { parseS3Uri } from './arns.js';
import type { PipelineResources } from './declaration.js';
import { fargateMemoryChoices } from './fargate.js';

/** Batch's limit on attempts of one job. */
const maxAttempts = 10;

/**
 * Every problem of a pipeline's declaration, one line each naming the pipeline and what to change
 * (empty when it can be deployed). Checked before any stack is built.
 */
export function checkResources(pipeline: string, resources: PipelineResources): string[] {
  const problems: string[] = [];
  const at = `pipelines/${pipeline}/src/resources.ts`;
  const memory = fargateMemoryChoices(resources.vcpu);
  if (!memory) problems.push(`${at}: vcpu ${resources.vcpu} is not a Fargate size: use 0.25, 0.5, 1, 2, 4, 8 or 16`);
  else if (!memory.includes(resources.memoryMiB)) {
    problems.push(
      `${at}: memoryMiB ${resources.memoryMiB} does not run on ${resources.vcpu} vCPU on Fargate: use one of ${memory.join(', ')}`,
    );
  }
  if (resources.tmpGiB !== undefined && !(Number.isInteger(resources.tmpGiB) && resources.tmpGiB >= 21 && resources.tmpGiB <= 200)) {
    problems.push(`${at}: tmpGiB must be a whole number from 21 to 200 (Fargate's ephemeral storage)`);
  }
  if (!(resources.timeoutMinutes >= 1)) problems.push(`${at}: timeoutMinutes must be at least 1 (Batch's least is 60 s)`);
  const attempts = resources.attempts ?? 1;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > maxAttempts) problems.push(`${at}: attempts must be 1 to ${maxAttempts}`);
  const semi = resources.semiSpaceMiB;
  if (semi !== undefined && !(Number.isInteger(semi) && semi >= 1 && semi <= 256))
    problems.push(`${at}: semiSpaceMiB must be a whole number from 1 to 256 (V8's --max-semi-space-size, MiB)`);
  const shares = Object.values(resources.memoryArgs ?? {});
  if (shares.some((share) => !(share > 0)) || shares.reduce((sum, share) => sum + share, 0) > 0.5) {
    problems.push(`${at}: memoryArgs shares must be above 0 and add up to at most 0.5 (the heap, objects and buffers need the rest)`);
  }
  for (const uri of [resources.runOutput, ...(resources.s3 ?? []).map((grant) => grant.uri)]) {
    if (!/^s3:\/\/[^/]+\/(.*\/)?$/.test(uri)) problems.push(`${at}: ${uri} must be s3://bucket/ or s3://bucket/prefix/ (ending in /)`);
  }
  for (const grant of resources.dynamodb ?? []) {
    if ((grant.table === undefined) === (grant.tablePrefix === undefined))
      problems.push(`${at}: a dynamodb grant names either table or tablePrefix`);
  }
  const redshift = resources.redshift;
  if (redshift && (redshift.clusterId === undefined) === (redshift.workgroup === undefined)) {
    problems.push(`${at}: redshift names either clusterId or workgroup`);
  }
  if (resources.schedule && resources.schedule.cron.trim().split(/\s+/).length !== 6) {
    problems.push(`${at}: schedule.cron "${resources.schedule.cron}" needs six fields: minute hour day-of-month month day-of-week year`);
  }
  const trigger = resources.trigger;
  if (trigger) {
    const covered = (resources.s3 ?? []).some((grant) => {
      const { bucket, prefix } = parseS3Uri(grant.uri);
      return bucket === trigger.bucket && trigger.prefix.startsWith(prefix);
    });
    if (!covered)
      problems.push(`${at}: trigger s3://${trigger.bucket}/${trigger.prefix} is not under any s3 grant: the job could not read it`);
    if (trigger.sourceArg in trigger.args) problems.push(`${at}: trigger.args sets ${trigger.sourceArg}, which the event fills in`);
  }
  return problems;
}
