/**
 * Why a table name is not one DynamoDB takes (one line), or undefined. DynamoDB's naming rule ("Supported
 * data types and naming rules in Amazon DynamoDB",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html):
 * 3 to 255 characters of a-z, A-Z, 0-9, _ - and . A table ARN passes (the API takes one where it takes a name).
 */
export function tableNameProblem(name: string): string | undefined {
  if (name.startsWith('arn:')) return undefined;
  if (/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) return undefined;
  return `"${name}" is not a DynamoDB table name: 3 to 255 characters of a-z, A-Z, 0-9, _ - . (DynamoDB's naming rules: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html)`;
}
