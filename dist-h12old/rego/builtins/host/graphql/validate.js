// Validation of a query against a schema. gqlparser's query rules are the spec's, the same set graphql-js
// implements, so graphql-js runs them: the gqlparser-shaped query and the validated schema (schema.ts) are turned
// into graphql-js nodes for it. One gqlparser rule graphql-js 16 lacks is added: an operation needs a root type.
import { GraphQLError, Kind, buildASTSchema, specifiedRules, validate, } from 'graphql';
import { BuiltinError } from '../args.js';
import { ValueKind } from './ast.js';
function name(value) {
    return { kind: Kind.NAME, value };
}
function namedType(value) {
    return { kind: Kind.NAMED_TYPE, name: name(value) };
}
function typeNode(type) {
    if (type === null)
        throw new BuiltinError('type reference missing');
    const inner = type.NamedType !== '' ? namedType(type.NamedType) : { kind: Kind.LIST_TYPE, type: typeNode(type.Elem) };
    return type.NonNull ? { kind: Kind.NON_NULL_TYPE, type: inner } : inner;
}
function valueNode(value) {
    if (value === null)
        throw new BuiltinError('value missing');
    const raw = value.Raw;
    switch (value.Kind) {
        case ValueKind.Variable:
            return { kind: Kind.VARIABLE, name: name(raw) };
        case ValueKind.Int:
            return { kind: Kind.INT, value: raw };
        case ValueKind.Float:
            return { kind: Kind.FLOAT, value: raw };
        case ValueKind.String:
            return { kind: Kind.STRING, value: raw };
        case ValueKind.Block:
            return { kind: Kind.STRING, value: raw, block: true };
        case ValueKind.Boolean:
            return { kind: Kind.BOOLEAN, value: raw === 'true' };
        case ValueKind.Null:
            return { kind: Kind.NULL };
        case ValueKind.Enum:
            return { kind: Kind.ENUM, value: raw };
        case ValueKind.List:
            return { kind: Kind.LIST, values: value.Children.map((c) => valueNode(c.Value)) };
        case ValueKind.Object:
            return {
                kind: Kind.OBJECT,
                fields: value.Children.map((c) => ({ kind: Kind.OBJECT_FIELD, name: name(c.Name), value: valueNode(c.Value) })),
            };
        default:
            throw new BuiltinError(`unknown value kind ${value.Kind}`);
    }
}
function argumentNodes(args) {
    return args.map((a) => ({ kind: Kind.ARGUMENT, name: name(a.Name), value: valueNode(a.Value) }));
}
function directiveNodes(directives) {
    return directives.map((d) => ({ kind: Kind.DIRECTIVE, name: name(d.Name), arguments: argumentNodes(d.Arguments) }));
}
function variableNodes(variables) {
    return variables.map((v) => ({
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: name(v.Variable) },
        type: typeNode(v.Type),
        defaultValue: v.DefaultValue ? valueNode(v.DefaultValue) : undefined,
        directives: directiveNodes(v.Directives),
    }));
}
function selectionSet(selections) {
    if (selections.length === 0)
        return undefined;
    return {
        kind: Kind.SELECTION_SET,
        selections: selections.map((s) => {
            switch (s.kind) {
                case 'field':
                    return {
                        kind: Kind.FIELD,
                        alias: s.Alias !== '' && s.Alias !== s.Name ? name(s.Alias) : undefined,
                        name: name(s.Name),
                        arguments: argumentNodes(s.Arguments),
                        directives: directiveNodes(s.Directives),
                        selectionSet: selectionSet(s.SelectionSet),
                    };
                case 'spread':
                    return { kind: Kind.FRAGMENT_SPREAD, name: name(s.Name), directives: directiveNodes(s.Directives) };
                case 'inline':
                    return {
                        kind: Kind.INLINE_FRAGMENT,
                        typeCondition: s.TypeCondition !== '' ? namedType(s.TypeCondition) : undefined,
                        directives: directiveNodes(s.Directives),
                        selectionSet: selectionSet(s.SelectionSet) ?? { kind: Kind.SELECTION_SET, selections: [] },
                    };
            }
        }),
    };
}
const EMPTY_SELECTION_SET = { kind: Kind.SELECTION_SET, selections: [] };
function queryNodes(doc) {
    const definitions = [
        ...doc.Operations.map((o) => ({
            kind: Kind.OPERATION_DEFINITION,
            operation: o.Operation,
            name: o.Name !== '' ? name(o.Name) : undefined,
            variableDefinitions: variableNodes(o.VariableDefinitions),
            directives: directiveNodes(o.Directives),
            selectionSet: selectionSet(o.SelectionSet) ?? EMPTY_SELECTION_SET,
        })),
        ...doc.Fragments.map((f) => ({
            kind: Kind.FRAGMENT_DEFINITION,
            name: name(f.Name),
            variableDefinitions: variableNodes(f.VariableDefinition),
            typeCondition: namedType(f.TypeCondition),
            directives: directiveNodes(f.Directives),
            selectionSet: selectionSet(f.SelectionSet) ?? EMPTY_SELECTION_SET,
        })),
    ];
    return { kind: Kind.DOCUMENT, definitions };
}
// The schema handed to graphql-js leaves out the directives applied in it: gqlparser does not evaluate them
// when validating queries, and graphql-js would reject some that gqlparser accepts (such as a @deprecated
// reason that is not a string).
function inputValueNodes(args) {
    return args.map((a) => ({
        kind: Kind.INPUT_VALUE_DEFINITION,
        name: name(a.Name),
        type: typeNode(a.Type),
        defaultValue: a.DefaultValue ? valueNode(a.DefaultValue) : undefined,
    }));
}
function fieldNodes(fields) {
    return fields.map((f) => ({
        kind: Kind.FIELD_DEFINITION,
        name: name(f.Name),
        arguments: inputValueNodes(f.Arguments),
        type: typeNode(f.Type),
    }));
}
function typeDefinitionNode(d) {
    const common = { name: name(d.Name) };
    switch (d.Kind) {
        case 'SCALAR':
            return { kind: Kind.SCALAR_TYPE_DEFINITION, ...common };
        case 'OBJECT':
            return { kind: Kind.OBJECT_TYPE_DEFINITION, ...common, interfaces: d.Interfaces.map(namedType), fields: fieldNodes(d.Fields) };
        case 'INTERFACE':
            return { kind: Kind.INTERFACE_TYPE_DEFINITION, ...common, interfaces: d.Interfaces.map(namedType), fields: fieldNodes(d.Fields) };
        case 'UNION':
            return { kind: Kind.UNION_TYPE_DEFINITION, ...common, types: d.Types.map(namedType) };
        case 'ENUM':
            return {
                kind: Kind.ENUM_TYPE_DEFINITION,
                ...common,
                values: d.EnumValues.map((v) => ({ kind: Kind.ENUM_VALUE_DEFINITION, name: name(v.Name) })),
            };
        case 'INPUT_OBJECT':
            return { kind: Kind.INPUT_OBJECT_TYPE_DEFINITION, ...common, fields: inputValueNodes(d.Fields) };
        default:
            throw new BuiltinError(`type ${d.Name} has unknown kind ${JSON.stringify(d.Kind)}`);
    }
}
function directiveDefinitionNode(d) {
    return {
        kind: Kind.DIRECTIVE_DEFINITION,
        name: name(d.Name),
        arguments: inputValueNodes(d.Arguments),
        repeatable: d.IsRepeatable,
        locations: d.Locations.map(name),
    };
}
function schemaNodes(schema) {
    const definitions = [
        ...[...schema.types.values()].map(typeDefinitionNode),
        ...[...schema.directives.values()].map(directiveDefinitionNode),
        {
            kind: Kind.SCHEMA_DEFINITION,
            operationTypes: [...schema.roots].map(([operation, type]) => ({
                kind: Kind.OPERATION_TYPE_DEFINITION,
                operation: operation,
                type: namedType(type),
            })),
        },
    ];
    return { kind: Kind.DOCUMENT, definitions };
}
/** gqlparser's KnownRootType: `mutation { ... }` is invalid against a schema without a mutation type. */
const knownRootTypeRule = (context) => ({
    OperationDefinition(node) {
        if (!context.getSchema().getRootType(node.operation)) {
            context.reportError(new GraphQLError(`Schema does not support operation type "${node.operation}"`, { nodes: node }));
        }
    },
});
/** Validates a query against a validated schema; throws the first problem, in OPA's wording. */
export function validateQuery(schema, query) {
    // The schema was validated by gqlparser's rules already; graphql-js's own schema rules differ.
    const built = buildASTSchema(schemaNodes(schema), { assumeValid: true, assumeValidSDL: true });
    const errors = validate(built, queryNodes(query), [...specifiedRules, knownRootTypeRule], { maxErrors: 1 });
    if (errors.length > 0)
        throw new BuiltinError(`${errors[0].message.replace(/\.$/, '')} in GraphQL query string`);
}
//# sourceMappingURL=validate.js.map