// gqlparser-shaped documents from the objects a policy passes (usually what graphql.parse_query or
// graphql.parse_schema returned, perhaps edited). OPA reads them with Go's encoding/json, so the same rules hold:
// a missing or null field is empty, a field of the wrong JSON type is an error, unknown fields are ignored.
//
// Two departures: keys must match gqlparser's field names exactly (Go also accepts other letter cases), and a
// selection is read as an inline fragment or fragment spread when it looks like one. OPA's decoder reads every
// selection as a field, so a fragment in a query object never reaches its validator as a fragment; here the
// objects that graphql.parse_query writes read back as what they were.
import { BuiltinError, typeName } from '../args.js';
function mismatch(value, where, want) {
    return new BuiltinError(`cannot unmarshal ${typeName(value)} into ${where} of type ${want}`);
}
function struct(value, where) {
    if (value === undefined || value === null)
        return null;
    if (typeof value !== 'object' || Array.isArray(value))
        throw mismatch(value, where, 'object');
    return value;
}
function string(value, where) {
    if (value === undefined || value === null)
        return '';
    if (typeof value !== 'string')
        throw mismatch(value, where, 'string');
    return value;
}
function boolean(value, where) {
    if (value === undefined || value === null)
        return false;
    if (typeof value !== 'boolean')
        throw mismatch(value, where, 'bool');
    return value;
}
function integer(value, where) {
    if (value === undefined || value === null)
        return 0;
    if (typeof value !== 'number' || !Number.isInteger(value))
        throw mismatch(value, where, 'int');
    return value;
}
function list(value, where, item) {
    if (value === undefined || value === null)
        return [];
    if (!Array.isArray(value))
        throw mismatch(value, where, 'array');
    return value.map((v, i) => item(v, `${where}[${i}]`));
}
function type(value, where) {
    const o = struct(value, where);
    if (o === null)
        return null;
    return {
        NamedType: string(o.NamedType, `${where}.NamedType`),
        Elem: type(o.Elem, `${where}.Elem`),
        NonNull: boolean(o.NonNull, `${where}.NonNull`),
    };
}
function childValue(value, where) {
    const o = struct(value, where) ?? {};
    return { Name: string(o.Name, `${where}.Name`), Value: valueOf(o.Value, `${where}.Value`) };
}
function valueOf(value, where) {
    const o = struct(value, where);
    if (o === null)
        return null;
    return {
        Raw: string(o.Raw, `${where}.Raw`),
        Children: list(o.Children, `${where}.Children`, childValue),
        Kind: integer(o.Kind, `${where}.Kind`),
        ExpectedTypeHasDefault: boolean(o.ExpectedTypeHasDefault, `${where}.ExpectedTypeHasDefault`),
    };
}
function argument(value, where) {
    const o = struct(value, where) ?? {};
    return { Name: string(o.Name, `${where}.Name`), Value: valueOf(o.Value, `${where}.Value`) };
}
function directive(value, where) {
    const o = struct(value, where) ?? {};
    return {
        Name: string(o.Name, `${where}.Name`),
        Arguments: list(o.Arguments, `${where}.Arguments`, argument),
        Location: string(o.Location, `${where}.Location`),
    };
}
function variableDefinition(value, where) {
    const o = struct(value, where) ?? {};
    return {
        Variable: string(o.Variable, `${where}.Variable`),
        Type: type(o.Type, `${where}.Type`),
        DefaultValue: valueOf(o.DefaultValue, `${where}.DefaultValue`),
        Directives: list(o.Directives, `${where}.Directives`, directive),
        Used: boolean(o.Used, `${where}.Used`),
    };
}
/** Reads selections; `fragmentNames` tells a fragment spread (`{"Name": "frag"}`) from a field without alias. */
function selections(value, where, fragmentNames) {
    return list(value, where, (v, at) => {
        const o = struct(v, at) ?? {};
        const directives = list(o.Directives, `${at}.Directives`, directive);
        const name = string(o.Name, `${at}.Name`);
        if (Object.hasOwn(o, 'TypeCondition') && !Object.hasOwn(o, 'Name') && !Object.hasOwn(o, 'Alias')) {
            return {
                kind: 'inline',
                TypeCondition: string(o.TypeCondition, `${at}.TypeCondition`),
                Directives: directives,
                SelectionSet: selections(o.SelectionSet, `${at}.SelectionSet`, fragmentNames),
            };
        }
        const isSpread = !Object.hasOwn(o, 'Alias') && !Object.hasOwn(o, 'SelectionSet') && fragmentNames.has(name);
        if (isSpread)
            return { kind: 'spread', Name: name, Directives: directives };
        return {
            kind: 'field',
            Alias: string(o.Alias, `${at}.Alias`),
            Name: name,
            Arguments: list(o.Arguments, `${at}.Arguments`, argument),
            Directives: directives,
            SelectionSet: selections(o.SelectionSet, `${at}.SelectionSet`, fragmentNames),
        };
    });
}
/** A query document from its object form; throws on fields of the wrong type. */
export function decodeQuery(value) {
    const fragmentNames = new Set(list(value.Fragments, 'Fragments', (f, at) => string((struct(f, at) ?? {}).Name, `${at}.Name`)));
    return {
        Operations: list(value.Operations, 'Operations', (v, at) => {
            const o = struct(v, at) ?? {};
            return {
                Operation: string(o.Operation, `${at}.Operation`),
                Name: string(o.Name, `${at}.Name`),
                VariableDefinitions: list(o.VariableDefinitions, `${at}.VariableDefinitions`, variableDefinition),
                Directives: list(o.Directives, `${at}.Directives`, directive),
                SelectionSet: selections(o.SelectionSet, `${at}.SelectionSet`, fragmentNames),
            };
        }),
        Fragments: list(value.Fragments, 'Fragments', (v, at) => {
            const o = struct(v, at) ?? {};
            return {
                Name: string(o.Name, `${at}.Name`),
                VariableDefinition: list(o.VariableDefinition, `${at}.VariableDefinition`, variableDefinition),
                TypeCondition: string(o.TypeCondition, `${at}.TypeCondition`),
                Directives: list(o.Directives, `${at}.Directives`, directive),
                SelectionSet: selections(o.SelectionSet, `${at}.SelectionSet`, fragmentNames),
            };
        }),
    };
}
function argumentDefinition(value, where) {
    const o = struct(value, where) ?? {};
    return {
        Description: string(o.Description, `${where}.Description`),
        Name: string(o.Name, `${where}.Name`),
        DefaultValue: valueOf(o.DefaultValue, `${where}.DefaultValue`),
        Type: type(o.Type, `${where}.Type`),
        Directives: list(o.Directives, `${where}.Directives`, directive),
    };
}
function fieldDefinition(value, where) {
    const o = struct(value, where) ?? {};
    return {
        Description: string(o.Description, `${where}.Description`),
        Name: string(o.Name, `${where}.Name`),
        Arguments: list(o.Arguments, `${where}.Arguments`, argumentDefinition),
        DefaultValue: valueOf(o.DefaultValue, `${where}.DefaultValue`),
        Type: type(o.Type, `${where}.Type`),
        Directives: list(o.Directives, `${where}.Directives`, directive),
    };
}
function definition(value, where) {
    const o = struct(value, where) ?? {};
    return {
        Kind: string(o.Kind, `${where}.Kind`),
        Description: string(o.Description, `${where}.Description`),
        Name: string(o.Name, `${where}.Name`),
        Directives: list(o.Directives, `${where}.Directives`, directive),
        Interfaces: list(o.Interfaces, `${where}.Interfaces`, string),
        Fields: list(o.Fields, `${where}.Fields`, fieldDefinition),
        Types: list(o.Types, `${where}.Types`, string),
        EnumValues: list(o.EnumValues, `${where}.EnumValues`, (v, at) => {
            const e = struct(v, at) ?? {};
            return {
                Description: string(e.Description, `${at}.Description`),
                Name: string(e.Name, `${at}.Name`),
                Directives: list(e.Directives, `${at}.Directives`, directive),
            };
        }),
        BuiltIn: boolean(o.BuiltIn, `${where}.BuiltIn`),
    };
}
function schemaDefinition(value, where) {
    const o = struct(value, where) ?? {};
    return {
        Description: string(o.Description, `${where}.Description`),
        Directives: list(o.Directives, `${where}.Directives`, directive),
        OperationTypes: list(o.OperationTypes, `${where}.OperationTypes`, (v, at) => {
            const t = struct(v, at) ?? {};
            return { Operation: string(t.Operation, `${at}.Operation`), Type: string(t.Type, `${at}.Type`) };
        }),
    };
}
function directiveDefinition(value, where) {
    const o = struct(value, where) ?? {};
    return {
        Description: string(o.Description, `${where}.Description`),
        Name: string(o.Name, `${where}.Name`),
        Arguments: list(o.Arguments, `${where}.Arguments`, argumentDefinition),
        Locations: list(o.Locations, `${where}.Locations`, string),
        IsRepeatable: boolean(o.IsRepeatable, `${where}.IsRepeatable`),
    };
}
/** A schema document from its object form; throws on fields of the wrong type. */
export function decodeSchema(value) {
    return {
        Schema: list(value.Schema, 'Schema', schemaDefinition),
        SchemaExtension: list(value.SchemaExtension, 'SchemaExtension', schemaDefinition),
        Directives: list(value.Directives, 'Directives', directiveDefinition),
        Definitions: list(value.Definitions, 'Definitions', definition),
        Extensions: list(value.Extensions, 'Extensions', definition),
    };
}
//# sourceMappingURL=decode.js.map