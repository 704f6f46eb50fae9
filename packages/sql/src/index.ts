export { bindNamedParameters, mapOutsideQuotes, ParameterError } from './named-parameters.js';
export { quoteIdent, quoteQualified, splitQualified, quoteLiteral, portableLiteral } from './quote.js';
export { redshiftLiteral, redshiftLiteralValue, REDSHIFT_LITERAL_SOURCE } from './redshift-literal.js';
export { pgTypeName, pgValueKind, pgTextParsers } from './pg-types.js';
export { copyErrorContext } from './copy-error-context.js';
