import { arnIn, type DeployTarget, parseS3Uri, s3BucketArn, s3ObjectsArn } from './arns.js';
import type { DynamoDbGrant, GlueGrant, PipelineResources, RedshiftGrant, S3Grant } from './declaration.js';

/** One IAM policy statement as plain data; `wildcard` says why a resource holds a `*` (cdk-nag IAM5 is suppressed with it). */
export interface StatementSpec {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  readonly wildcard?: string;
}

/** The pages that list, per action, whether a resource type can be named (cited where a statement needs `*`). */
export const iamReferencePages = {
  s3: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html',
  dynamodb: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html',
  glue: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html',
  redshiftData: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshiftdataapi.html',
  ecr: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html',
} as const;

/**
 * The task role's statements for a pipeline's declaration: every resource named, no `*` action, and a `*`
 * resource only for the actions whose IAM reference page lists no resource type (each one says which).
 */
export function taskPolicy(resources: PipelineResources, target: DeployTarget): StatementSpec[] {
  const s3: S3Grant[] = [{ uri: resources.runOutput, access: 'readWrite' }, ...(resources.s3 ?? [])];
  return [
    ...s3Statements(s3, target),
    ...(resources.dynamodb ?? []).flatMap((grant, i) => dynamoDbStatements(grant, i, target)),
    ...(resources.glue ?? []).flatMap((grant, i) => glueStatements(grant, i, target)),
    ...(resources.redshift ? redshiftStatements(resources.redshift, target) : []),
  ];
}

const s3ObjectRead = ['s3:GetObject'];
// Moves (copy, then delete), staging sweeps and multipart uploads (lib-storage aborts the ones it leaves).
const s3ObjectWrite = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

function s3Statements(grants: readonly S3Grant[], target: DeployTarget): StatementSpec[] {
  const parsed = grants.map((grant) => ({ ...parseS3Uri(grant.uri), access: grant.access }));
  const objects = (access?: S3Grant['access']) =>
    unique(parsed.filter((g) => !access || g.access === access).map((g) => s3ObjectsArn(target, g.bucket, g.prefix)));
  const prefixWildcard = 'keys under the declared prefix: S3 object ARNs name a prefix only with a trailing *';
  const statements: StatementSpec[] = [{ sid: 'S3ReadObjects', actions: s3ObjectRead, resources: objects(), wildcard: prefixWildcard }];
  const writable = objects('readWrite');
  if (writable.length > 0)
    statements.push({ sid: 'S3WriteObjects', actions: s3ObjectWrite, resources: writable, wildcard: prefixWildcard });
  for (const [index, bucket] of unique(parsed.map((g) => g.bucket)).entries()) {
    const prefixes = unique(parsed.filter((g) => g.bucket === bucket).map((g) => g.prefix));
    const wholeBucket = prefixes.includes('');
    const writesHere = parsed.some((g) => g.bucket === bucket && g.access === 'readWrite');
    statements.push({
      sid: `S3List${index}`,
      actions: writesHere ? ['s3:ListBucket', 's3:ListBucketMultipartUploads'] : ['s3:ListBucket'],
      resources: [s3BucketArn(target, bucket)],
      // Listing is a bucket action; the s3:prefix condition keeps it to the declared prefixes.
      ...(wholeBucket ? {} : { conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } } }),
    });
  }
  return statements;
}

const dynamoDbRead = ['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'];
const dynamoDbWrite = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

function dynamoDbStatements(grant: DynamoDbGrant, index: number, target: DeployTarget): StatementSpec[] {
  const table = grant.table ?? `${grant.tablePrefix}*`;
  const tableArn = arnIn(target, 'dynamodb', `table/${table}`);
  const prefixed =
    grant.tablePrefix !== undefined
      ? { wildcard: `tables whose name starts with ${grant.tablePrefix} (the pipeline picks the latest)` }
      : {};
  const actions = grant.access === 'read' || grant.access === 'export' ? dynamoDbRead : [...dynamoDbRead, ...dynamoDbWrite];
  const statements: StatementSpec[] = [{ sid: `DynamoDb${index}`, actions, resources: [tableArn], ...prefixed }];
  if (grant.access === 'export') {
    statements.push(
      {
        sid: `DynamoDbExport${index}`,
        actions: ['dynamodb:ExportTableToPointInTime', 'dynamodb:DescribeContinuousBackups'],
        resources: [tableArn],
      },
      {
        sid: `DynamoDbExportStatus${index}`,
        actions: ['dynamodb:DescribeExport'],
        resources: [`${tableArn}/export/*`],
        wildcard: 'the exports of the declared table: each export gets an id DynamoDB chooses',
      },
      {
        sid: `DynamoDbListExports${index}`,
        actions: ['dynamodb:ListExports'],
        resources: ['*'],
        wildcard: `ListExports has no resource type (${iamReferencePages.dynamodb})`,
      },
    );
  }
  if (grant.tablePrefix !== undefined) {
    statements.push({
      sid: `DynamoDbListTables${index}`,
      actions: ['dynamodb:ListTables'],
      resources: ['*'],
      wildcard: `ListTables has no resource type (${iamReferencePages.dynamodb}); the latest table by prefix is found by listing`,
    });
  }
  return statements;
}

const glueRead = ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'];
const glueWrite = [
  'glue:CreateDatabase',
  'glue:CreateTable',
  'glue:UpdateTable',
  'glue:CreatePartition',
  'glue:BatchCreatePartition',
  'glue:UpdatePartition',
  'glue:BatchDeletePartition',
];

function glueStatements(grant: GlueGrant, index: number, target: DeployTarget): StatementSpec[] {
  return [
    {
      sid: `Glue${index}`,
      actions: grant.access === 'read' ? glueRead : [...glueRead, ...glueWrite],
      // Glue authorizes a table action on the catalog, the database and the table (its reference page, "Resource types").
      resources: [
        arnIn(target, 'glue', 'catalog'),
        arnIn(target, 'glue', `database/${grant.database}`),
        arnIn(target, 'glue', `table/${grant.database}/*`),
      ],
      wildcard: `every table of the declared database ${grant.database}: the pipeline reads or registers each one`,
    },
  ];
}

function redshiftStatements(grant: RedshiftGrant, target: DeployTarget): StatementSpec[] {
  const warehouseArn = grant.workgroup
    ? arnIn(target, 'redshift-serverless', `workgroup/${grant.workgroup.id}`)
    : arnIn(target, 'redshift', `cluster:${grant.clusterId}`);
  const statements: StatementSpec[] = [
    {
      sid: 'RedshiftDataRun',
      actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
      resources: [warehouseArn],
    },
    {
      sid: 'RedshiftDataOwnStatements',
      actions: [
        'redshift-data:DescribeStatement',
        'redshift-data:GetStatementResult',
        'redshift-data:CancelStatement',
        'redshift-data:ListStatements',
      ],
      resources: ['*'],
      // The page's recommended narrowing: only statements this role's session ran.
      conditions: { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } },
      wildcard: `these statement actions have no resource type (${iamReferencePages.redshiftData}); limited to the role's own statements`,
    },
  ];
  if (grant.secretName) {
    statements.push({
      sid: 'RedshiftSecret',
      actions: ['secretsmanager:GetSecretValue'],
      // Secrets Manager appends 6 random characters to a secret's ARN.
      resources: [arnIn(target, 'secretsmanager', `secret:${grant.secretName}-??????`)],
    });
  } else if (grant.dbUser && grant.workgroup) {
    statements.push({ sid: 'RedshiftCredentials', actions: ['redshift-serverless:GetCredentials'], resources: [warehouseArn] });
  } else if (grant.dbUser) {
    statements.push({
      sid: 'RedshiftCredentials',
      actions: ['redshift:GetClusterCredentials'],
      resources: [
        arnIn(target, 'redshift', `dbuser:${grant.clusterId}/${grant.dbUser}`),
        arnIn(target, 'redshift', `dbname:${grant.clusterId}/${grant.database}`),
      ],
    });
  }
  return statements;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
