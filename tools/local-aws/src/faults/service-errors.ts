/** The retryable errors each service really answers with, as status, headers and body. */
export interface FaultResponse {
  status: number;
  contentType: string;
  body: string;
}

export type FaultService = 's3' | 'dynamodb' | 'redshift-data' | 'glue';

const json = (status: number, type: string, message: string): FaultResponse => ({
  status,
  contentType: 'application/x-amz-json-1.1',
  body: JSON.stringify({ __type: type, message }),
});

const xml = (status: number, code: string, message: string): FaultResponse => ({
  status,
  contentType: 'application/xml',
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-injection</RequestId></Error>`,
});

const ERRORS: Record<FaultService, FaultResponse[]> = {
  s3: [
    xml(503, 'SlowDown', 'Please reduce your request rate.'),
    xml(500, 'InternalError', 'We encountered an internal error. Please try again.'),
  ],
  dynamodb: [
    json(
      400,
      'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      'The level of configured provisioned throughput for the table was exceeded.',
    ),
    json(400, 'com.amazonaws.dynamodb.v20120810#ThrottlingException', 'Rate of requests exceeds the allowed throughput.'),
    json(500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error'),
  ],
  'redshift-data': [json(400, 'ThrottlingException', 'Rate exceeded'), json(500, 'InternalServerException', 'Internal server error')],
  glue: [json(400, 'ThrottlingException', 'Rate exceeded'), json(500, 'InternalServiceException', 'Internal service error')],
};

export function faultResponse(service: FaultService, random: () => number): FaultResponse {
  const choices = ERRORS[service];
  return choices[Math.floor(random() * choices.length)] as FaultResponse;
}
