// GraphQL documents in the shape OPA hands to policies: the structs of gqlparser (the Go library OPA builds its
// graphql.* builtins on), with gqlparser's field names. Policies inspect these objects and may pass them back
// to graphql.is_valid and friends, so this shape is the interface, not graphql-js's AST.
//
// Every field is always present here; the builtins prune empty ones on the way out, as OPA does.
/** gqlparser's ValueKind numbers, which policies see in `Value.Kind`. */
export var ValueKind;
(function (ValueKind) {
    ValueKind[ValueKind["Variable"] = 0] = "Variable";
    ValueKind[ValueKind["Int"] = 1] = "Int";
    ValueKind[ValueKind["Float"] = 2] = "Float";
    ValueKind[ValueKind["String"] = 3] = "String";
    ValueKind[ValueKind["Block"] = 4] = "Block";
    ValueKind[ValueKind["Boolean"] = 5] = "Boolean";
    ValueKind[ValueKind["Null"] = 6] = "Null";
    ValueKind[ValueKind["Enum"] = 7] = "Enum";
    ValueKind[ValueKind["List"] = 8] = "List";
    ValueKind[ValueKind["Object"] = 9] = "Object";
})(ValueKind || (ValueKind = {}));
/** The named type at the bottom of a (list or non-null) type reference. */
export function namedTypeOf(type) {
    if (type === null)
        return '';
    return type.NamedType !== '' ? type.NamedType : namedTypeOf(type.Elem);
}
/** A type reference as GraphQL writes it: `[String!]!`. */
export function typeText(type) {
    if (type === null)
        return '';
    const inner = type.NamedType !== '' ? type.NamedType : `[${typeText(type.Elem)}]`;
    return type.NonNull ? `${inner}!` : inner;
}
//# sourceMappingURL=ast.js.map