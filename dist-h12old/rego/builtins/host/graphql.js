// graphql.*: parsing GraphQL queries and schemas into the objects OPA returns (gqlparser's AST, see
// graphql/ast.ts), validating schemas by gqlparser's rules and queries against them. Queries and schemas may
// be given as GraphQL text or as the objects these builtins return.
import { BuiltinError, str, typeName } from './args.js';
import { decodeQuery, decodeSchema } from './graphql/decode.js';
import { parseQuery, parseSchema } from './graphql/parse.js';
import { prune } from './graphql/prune.js';
import { validateSchema } from './graphql/schema.js';
import { validateQuery } from './graphql/validate.js';
function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function wrongOperand(v, pos) {
    return new BuiltinError(`operand ${pos} must be one of {object, string} but got ${typeName(v)}`);
}
function queryDocument(v, pos) {
    if (typeof v === 'string')
        return parseQuery(v);
    if (isObject(v))
        return decodeQuery(v);
    throw wrongOperand(v, pos);
}
function schemaDocument(v, pos) {
    if (typeof v === 'string')
        return parseSchema(v);
    if (isObject(v))
        return decodeSchema(v);
    throw wrongOperand(v, pos);
}
/** Both documents, once the schema and the query against it have passed validation. */
function verified(query, schema) {
    const queryDoc = queryDocument(query, 1);
    const schemaDoc = schemaDocument(schema, 2);
    validateQuery(validateSchema(schemaDoc), queryDoc);
    return [queryDoc, schemaDoc];
}
/** Whether `check` passes; these builtins answer false (or an unverified result) for any failure, as OPA. */
function succeeds(check) {
    try {
        check();
        return true;
    }
    catch {
        return false;
    }
}
function parse(query, schema) {
    return verified(query, schema).map(prune);
}
/** OPA's unverified answer, `[false, {}, {}]`, stands for any failure. */
function parseAndVerify(query, schema) {
    try {
        return [true, ...verified(query, schema).map(prune)];
    }
    catch {
        return [false, {}, {}];
    }
}
export const graphqlBuiltins = {
    'graphql.parse_query': (query) => prune(parseQuery(str(query, 1))),
    'graphql.parse_schema': (schema) => prune(parseSchema(str(schema, 1))),
    'graphql.parse': parse,
    'graphql.parse_and_verify': parseAndVerify,
    'graphql.is_valid': (query, schema) => succeeds(() => verified(query, schema)),
    'graphql.schema_is_valid': (schema) => succeeds(() => validateSchema(schemaDocument(schema, 1))),
};
//# sourceMappingURL=graphql.js.map