// Schema validation as gqlparser (and so OPA) does it, which is not graphql-js's: a schema needs no query type,
// an extension of an undefined type defines it, and the checks below are gqlparser's set. The prelude is merged
// in first, so built-in scalars, directives and introspection types are defined. The result is the merged
// schema that queries are validated against.
import { BuiltinError } from '../args.js';
import { namedTypeOf, typeText } from './ast.js';
import { parseSchema } from './parse.js';
import { PRELUDE_SDL } from './prelude.js';
/** Directives a schema may define again although the prelude has them; the first definition is kept. */
const REDEFINABLE_DIRECTIVES = new Set(['include', 'skip', 'deprecated', 'specifiedBy']);
const OUTPUT_KINDS = ['SCALAR', 'OBJECT', 'INTERFACE', 'UNION', 'ENUM'];
const INPUT_KINDS = ['SCALAR', 'ENUM', 'INPUT_OBJECT'];
const ROOT_OPERATIONS = ['query', 'mutation', 'subscription'];
let prelude;
function preludeDocument() {
    if (!prelude) {
        const doc = parseSchema(PRELUDE_SDL);
        prelude = { ...doc, Definitions: doc.Definitions.map((d) => ({ ...d, BuiltIn: true })) };
    }
    return prelude;
}
class SchemaChecker {
    types = new Map();
    directives = new Map();
    possibleTypes = new Map();
    merged;
    constructor(doc) {
        const merged = mergeDocuments(preludeDocument(), doc);
        this.merged = merged;
        const definitions = merged.Definitions.map((d) => this.define(d));
        for (const extension of merged.Extensions) {
            const existing = this.types.get(extension.Name);
            const target = existing ?? this.define({ ...emptyDefinition(), Kind: extension.Kind, Name: extension.Name });
            if (!existing)
                definitions.push(target);
            this.extend(target, extension);
        }
        for (const d of definitions)
            this.recordPossibleTypes(d);
        for (const d of merged.Directives)
            this.defineDirective(d);
    }
    define(definition) {
        if (this.types.has(definition.Name))
            throw new BuiltinError(`Cannot redeclare type ${definition.Name}.`);
        // A copy: extensions and checks must not change the document the policy passed in.
        const copy = {
            ...definition,
            Directives: [...definition.Directives],
            Interfaces: [...definition.Interfaces],
            Fields: [...definition.Fields],
            Types: [...definition.Types],
            EnumValues: [...definition.EnumValues],
        };
        this.types.set(copy.Name, copy);
        return copy;
    }
    extend(target, extension) {
        if (target.Kind !== extension.Kind) {
            throw new BuiltinError(`Cannot extend type ${extension.Name} because the base type is a ${target.Kind}, not ${extension.Kind}.`);
        }
        target.Directives.push(...extension.Directives);
        target.Interfaces.push(...extension.Interfaces);
        target.Fields.push(...extension.Fields);
        target.Types.push(...extension.Types);
        target.EnumValues.push(...extension.EnumValues);
    }
    addPossibleType(name, definition) {
        if (!definition)
            return;
        this.possibleTypes.set(name, [...(this.possibleTypes.get(name) ?? []), definition]);
    }
    recordPossibleTypes(d) {
        if (d.Kind === 'UNION') {
            for (const member of d.Types)
                this.addPossibleType(d.Name, this.types.get(member));
        }
        else if (d.Kind === 'OBJECT' || d.Kind === 'INPUT_OBJECT' || d.Kind === 'INTERFACE') {
            for (const name of d.Interfaces)
                this.addPossibleType(name, d);
            if (d.Kind !== 'INTERFACE')
                this.addPossibleType(d.Name, d);
        }
    }
    defineDirective(d) {
        if (this.directives.has(d.Name)) {
            if (REDEFINABLE_DIRECTIVES.has(d.Name))
                return;
            throw new BuiltinError(`Cannot redeclare directive ${d.Name}.`);
        }
        this.directives.set(d.Name, d);
    }
    roots() {
        const merged = this.merged;
        if (merged.Schema.length > 1) {
            throw new BuiltinError('Cannot have multiple schema entry points, consider schema extensions instead.');
        }
        const roots = new Map();
        for (const schema of [...merged.Schema, ...merged.SchemaExtension])
            this.setRoots(schema, roots);
        // Without a schema definition, types named after the operations are the roots.
        if (merged.Schema.length === 0) {
            for (const [operation, name] of [['query', 'Query'], ['mutation', 'Mutation'], ['subscription', 'Subscription']]) {
                if (!roots.has(operation) && this.types.has(name))
                    roots.set(operation, name);
            }
        }
        return roots;
    }
    setRoots(schema, roots) {
        for (const entry of schema.OperationTypes) {
            if (!this.types.has(entry.Type)) {
                throw new BuiltinError(`Schema root ${entry.Operation} refers to a type ${entry.Type} that does not exist.`);
            }
            if (ROOT_OPERATIONS.includes(entry.Operation))
                roots.set(entry.Operation, entry.Type);
        }
    }
    checkAll() {
        for (const name of [...this.types.keys()].sort())
            this.checkDefinition(this.types.get(name));
        for (const name of [...this.directives.keys()].sort()) {
            const d = this.directives.get(name);
            checkName(d.Name);
            this.checkArguments(d.Arguments, d);
        }
    }
    kindOf(type) {
        return this.types.get(namedTypeOf(type))?.Kind;
    }
    checkTypeReference(type) {
        if (!this.types.has(namedTypeOf(type)))
            throw new BuiltinError(`Undefined type ${namedTypeOf(type)}.`);
    }
    checkArguments(args, directive) {
        for (const arg of args) {
            checkName(arg.Name);
            this.checkTypeReference(arg.Type);
            const kind = this.kindOf(arg.Type);
            if (!INPUT_KINDS.includes(kind)) {
                throw new BuiltinError(`cannot use ${typeText(arg.Type)} as argument ${arg.Name} because ${kind} is not a valid input type`);
            }
            this.checkDirectives(arg.Directives, 'ARGUMENT_DEFINITION', directive);
        }
    }
    checkDirectives(directives, location, within) {
        for (const d of directives) {
            checkName(d.Name);
            if (within && d.Name === within.Name)
                throw new BuiltinError(`Directive ${within.Name} cannot refer to itself.`);
            const definition = this.directives.get(d.Name);
            if (!definition)
                throw new BuiltinError(`Undefined directive ${d.Name}.`);
            if (!definition.Locations.includes(location)) {
                throw new BuiltinError(`Directive ${d.Name} is not applicable on ${location}.`);
            }
        }
    }
    checkDefinition(d) {
        const fieldLocation = d.Kind === 'INPUT_OBJECT' ? 'INPUT_FIELD_DEFINITION' : 'FIELD_DEFINITION';
        for (const field of d.Fields) {
            checkName(field.Name);
            this.checkTypeReference(field.Type);
            this.checkArguments(field.Arguments);
            this.checkDirectives(field.Directives, fieldLocation);
        }
        for (const member of d.Types) {
            const kind = this.types.get(member)?.Kind;
            if (kind === undefined)
                throw new BuiltinError(`Undefined type ${JSON.stringify(member)}.`);
            if (kind !== 'OBJECT')
                throw new BuiltinError(`${d.Kind} type ${JSON.stringify(member)} must be OBJECT.`);
        }
        for (const name of d.Interfaces)
            this.checkImplements(d, name);
        this.checkKindRules(d);
        const seen = new Set();
        for (const field of d.Fields) {
            if (seen.has(field.Name))
                throw new BuiltinError(`Field ${d.Name}.${field.Name} can only be defined once.`);
            seen.add(field.Name);
        }
        if (!d.BuiltIn)
            checkName(d.Name);
        this.checkDirectives(d.Directives, d.Kind);
    }
    checkKindRules(d) {
        switch (d.Kind) {
            case 'OBJECT':
            case 'INTERFACE':
                if (d.Fields.length === 0)
                    throw new BuiltinError(`${d.Kind} ${d.Name}: must define one or more fields.`);
                for (const field of d.Fields) {
                    const kind = this.kindOf(field.Type);
                    if (kind !== undefined && !OUTPUT_KINDS.includes(kind)) {
                        throw new BuiltinError(`${d.Kind} ${d.Name}: field must be one of ${OUTPUT_KINDS.join(', ')}.`);
                    }
                }
                break;
            case 'ENUM':
                if (d.EnumValues.length === 0)
                    throw new BuiltinError(`${d.Kind} ${d.Name}: must define one or more unique enum values.`);
                for (const value of d.EnumValues) {
                    if (['true', 'false', 'null'].includes(value.Name)) {
                        throw new BuiltinError(`${d.Kind} ${d.Name}: non-enum value ${value.Name}.`);
                    }
                }
                break;
            case 'INPUT_OBJECT':
                if (d.Fields.length === 0)
                    throw new BuiltinError(`${d.Kind} ${d.Name}: must define one or more input fields.`);
                for (const field of d.Fields) {
                    const kind = this.kindOf(field.Type);
                    if (kind !== undefined && !INPUT_KINDS.includes(kind)) {
                        throw new BuiltinError(`${kind} ${field.Name}: field must be one of ${INPUT_KINDS.join(', ')}.`);
                    }
                }
                break;
        }
    }
    /** An object or interface must have every field of an interface it implements, with compatible types. */
    checkImplements(d, interfaceName) {
        const iface = this.types.get(interfaceName);
        if (!iface)
            throw new BuiltinError(`Undefined type ${JSON.stringify(interfaceName)}.`);
        if (iface.Kind !== 'INTERFACE')
            throw new BuiltinError(`${JSON.stringify(interfaceName)} is a non interface type ${iface.Kind}.`);
        const prefix = `For ${d.Name} to implement ${iface.Name}`;
        for (const required of iface.Fields) {
            const found = d.Fields.find((f) => f.Name === required.Name);
            if (!found)
                throw new BuiltinError(`${prefix} it must have a field called ${required.Name}.`);
            if (!this.isCovariant(required.Type, found.Type)) {
                throw new BuiltinError(`${prefix} the field ${required.Name} must have type ${typeText(required.Type)}.`);
            }
            for (const arg of required.Arguments) {
                const actual = found.Arguments.find((a) => a.Name === arg.Name);
                if (!actual) {
                    throw new BuiltinError(`${prefix} the field ${required.Name} must have the same arguments but it is missing ${arg.Name}.`);
                }
                if (!isCompatible(arg.Type, actual.Type)) {
                    throw new BuiltinError(`${prefix} the field ${required.Name} must have the same arguments but ${arg.Name} has the wrong type.`);
                }
            }
            for (const extra of found.Arguments) {
                const optional = !extra.Type?.NonNull || extra.DefaultValue !== null;
                if (!required.Arguments.some((a) => a.Name === extra.Name) && !optional) {
                    throw new BuiltinError(`${prefix} any additional arguments on ${found.Name} must be optional or have a default value but ${extra.Name} is required.`);
                }
            }
        }
        for (const transitive of iface.Interfaces) {
            if (d.Interfaces.includes(transitive))
                continue;
            if (transitive === d.Name) {
                throw new BuiltinError(`Type ${d.Name} cannot implement ${interfaceName} because it would create a circular reference.`);
            }
            throw new BuiltinError(`Type ${d.Name} must implement ${transitive} because it is implemented by ${interfaceName}.`);
        }
    }
    /** Whether a field of type `actual` may stand where an interface declares `required`. */
    isCovariant(required, actual) {
        if (required === null || actual === null)
            return required === actual;
        if (required.NonNull && !actual.NonNull)
            return false;
        if (required.NamedType !== '') {
            if (required.NamedType === actual.NamedType)
                return true;
            return (this.possibleTypes.get(required.NamedType) ?? []).some((t) => t.Name === actual.NamedType);
        }
        if (required.Elem !== null && actual.Elem === null)
            return false;
        return this.isCovariant(required.Elem, actual.Elem);
    }
}
function emptyDefinition() {
    return {
        Kind: '',
        Description: '',
        Name: '',
        Directives: [],
        Interfaces: [],
        Fields: [],
        Types: [],
        EnumValues: [],
        BuiltIn: false,
    };
}
function mergeDocuments(a, b) {
    return {
        Schema: [...a.Schema, ...b.Schema],
        SchemaExtension: [...a.SchemaExtension, ...b.SchemaExtension],
        Directives: [...a.Directives, ...b.Directives],
        Definitions: [...a.Definitions, ...b.Definitions],
        Extensions: [...a.Extensions, ...b.Extensions],
    };
}
/** Names starting with `__` belong to introspection. */
function checkName(name) {
    if (name.startsWith('__')) {
        throw new BuiltinError(`Name "${name}" must not begin with "__", which is reserved by GraphQL introspection.`);
    }
}
/** An implementing field's argument must have the interface argument's type, nullability aside one way. */
function isCompatible(required, actual) {
    if (required === null || actual === null)
        return required === actual;
    if (required.NamedType !== actual.NamedType)
        return false;
    if (required.Elem !== null && !isCompatible(required.Elem, actual.Elem))
        return false;
    return !actual.NonNull || required.NonNull;
}
/** Validates a schema document as OPA does; throws the first problem found. */
export function validateSchema(doc) {
    const checker = new SchemaChecker(doc);
    const roots = checker.roots();
    checker.checkAll();
    return { types: checker.types, directives: checker.directives, roots };
}
//# sourceMappingURL=schema.js.map