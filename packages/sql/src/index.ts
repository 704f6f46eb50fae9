export { bindNamedParameters, mapOutsideQuotes, ParameterError } from './named-parameters.js';
export { quoteIdent, quoteQualified, splitQualified, quoteLiteral, portableLiteral } from './quote.js';
export { pgTypeName, pgValueKind, pgTextParsers } from './pg-types.js';
