import { describe, expect, it } from 'vitest';
import { tableNameProblem } from './table-name.js';

describe('table names as DynamoDB takes them (3 to 255 characters of a-z, A-Z, 0-9, _ - .)', () => {
  it('takes valid names and table ARNs', () => {
    for (const name of ['abc', 'online-retail_2011.v1', 'x'.repeat(255), 'arn:aws:dynamodb:eu-west-1:123456789012:table/Sales'])
      expect(tableNameProblem(name)).toBeUndefined();
  });
  it('refuses names too short, too long or with other characters, in one line citing the rule', () => {
    expect(tableNameProblem('ab')).toBe(
      '"ab" is not a DynamoDB table name: 3 to 255 characters of a-z, A-Z, 0-9, _ - . (DynamoDB\'s naming rules: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html)',
    );
    for (const name of ['', 'x'.repeat(256), 'sales/2026', 'ventes été']) expect(tableNameProblem(name)).toBeDefined();
  });
});
