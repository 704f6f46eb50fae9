export { bindNamedParameters, mapOutsideQuotes, ParameterError } from './named-parameters.js';
export { quoteIdent, quoteQualified, splitQualified, quoteLiteral, portableLiteral } from './quote.js';
export { redshiftLiteral, redshiftLiteralValue, REDSHIFT_LITERAL_SOURCE } from './redshift-literal.js';
export { pgTypeName, pgValueKind, pgTextParsers } from './pg-types.js';
export { copyErrorContext } from './copy-error-context.js';
export type { AlterColumnType, RedshiftRefusal, RedshiftRule } from './redshift-rules.js';
export {
  alterColumnType,
  dataApiRefusals,
  redshiftColumnTypes,
  sqlCode,
  statementRefusals,
  DATA_API_MAX_BATCH_STATEMENTS,
  DATA_API_MAX_STATEMENT_BYTES,
  REDSHIFT_DEFAULT_VARCHAR,
} from './redshift-rules.js';
