// json.verify_schema and json.match_schema: JSON Schema (drafts 4 to 7, the keywords policies use) with errors
// worded as the gojsonschema library that OPA uses words them: {error, type, field, desc}.
import { BuiltinError, jsonEqual } from './args.js';
import { compileRe2 } from './re2.js';
const TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];
function parseJsonArg(v, what) {
    if (typeof v !== 'string')
        return v;
    try {
        return JSON.parse(v);
    }
    catch (e) {
        throw new BuiltinError(`${what} is not valid JSON: ${e.message}`);
    }
}
/** Structural checks of a schema; returns the first problem, worded as gojsonschema words it. */
function schemaProblem(schema) {
    if (typeof schema === 'boolean')
        return undefined;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
        return 'schema must be an object or a boolean';
    const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
    for (const t of types) {
        if (typeof t !== 'string' || !TYPES.includes(t)) {
            return `has a primitive type that is NOT VALID -- given: /${String(t)}/ Expected valid values are:[${TYPES.join(' ')}]`;
        }
    }
    if (typeof schema.pattern === 'string') {
        try {
            compileRe2(schema.pattern);
        }
        catch {
            return `Invalid regex pattern '${schema.pattern}'`;
        }
    }
    const nested = [];
    for (const key of ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']) {
        const group = schema[key];
        if (group && typeof group === 'object' && !Array.isArray(group))
            nested.push(...Object.values(group).filter((s) => !Array.isArray(s)));
    }
    for (const key of ['items', 'additionalItems', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else']) {
        const s = schema[key];
        if (Array.isArray(s))
            nested.push(...s);
        else if (s !== undefined)
            nested.push(s);
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'])
        if (Array.isArray(schema[key]))
            nested.push(...schema[key]);
    for (const s of nested) {
        const problem = schemaProblem(s);
        if (problem)
            return problem;
    }
    return undefined;
}
function typeOf(v) {
    if (v === null)
        return 'null';
    if (Array.isArray(v))
        return 'array';
    if (typeof v === 'number')
        return Number.isInteger(v) ? 'integer' : 'number';
    return typeof v;
}
function hasType(v, t) {
    const actual = typeOf(v);
    return actual === t || (t === 'number' && actual === 'integer');
}
class Validator {
    root;
    errors = [];
    constructor(root) {
        this.root = root;
    }
    report(field, type, desc) {
        this.errors.push({ error: `${field}: ${desc}`, type, field, desc });
    }
    resolve(ref) {
        if (!ref.startsWith('#'))
            throw new BuiltinError(`unsupported $ref ${JSON.stringify(ref)}: only local references`);
        let node = this.root;
        for (const part of ref.slice(1).split('/').filter(Boolean)) {
            const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
            if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key))
                throw new BuiltinError(`unresolvable $ref ${ref}`);
            node = node[key];
        }
        return node;
    }
    /** Whether `v` matches, without recording errors (for anyOf, oneOf, not, if). */
    matches(v, schema, field) {
        const probe = new Validator(this.root);
        probe.validate(v, schema, field);
        return probe.errors.length === 0;
    }
    validate(v, schema, field) {
        if (schema === true || schema === undefined)
            return;
        if (schema === false)
            return this.report(field, 'false', 'False always fails validation');
        if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
            return;
        const s = schema;
        if (typeof s.$ref === 'string')
            return this.validate(v, this.resolve(s.$ref), field);
        if (s.type !== undefined) {
            const types = (Array.isArray(s.type) ? s.type : [s.type]);
            if (!types.some((t) => hasType(v, t))) {
                return this.report(field, 'invalid_type', `Invalid type. Expected: ${types.join(',')}, given: ${typeOf(v)}`);
            }
        }
        if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(e, v))) {
            this.report(field, 'enum', `${field} must be one of the following: ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
        }
        if ('const' in s && !jsonEqual(s.const, v))
            this.report(field, 'const', `${field} does not match: ${JSON.stringify(s.const)}`);
        this.combinators(v, s, field);
        if (typeof v === 'string')
            this.stringRules(v, s, field);
        if (typeof v === 'number')
            this.numberRules(v, s, field);
        if (Array.isArray(v))
            this.arrayRules(v, s, field);
        if (typeof v === 'object' && v !== null && !Array.isArray(v))
            this.objectRules(v, s, field);
    }
    combinators(v, s, field) {
        if (Array.isArray(s.allOf) && !s.allOf.every((x) => this.matches(v, x, field))) {
            for (const x of s.allOf)
                this.validate(v, x, field);
            this.report(field, 'number_all_of', 'Must validate all the schemas (allOf)');
        }
        if (Array.isArray(s.anyOf) && !s.anyOf.some((x) => this.matches(v, x, field))) {
            this.report(field, 'number_any_of', 'Must validate at least one schema (anyOf)');
        }
        if (Array.isArray(s.oneOf) && s.oneOf.filter((x) => this.matches(v, x, field)).length !== 1) {
            this.report(field, 'number_one_of', 'Must validate one and only one schema (oneOf)');
        }
        if (s.not !== undefined && this.matches(v, s.not, field))
            this.report(field, 'number_not', 'Must not validate the schema (not)');
        if (s.if !== undefined) {
            const branch = this.matches(v, s.if, field) ? s.then : s.else;
            if (branch !== undefined)
                this.validate(v, branch, field);
        }
    }
    stringRules(v, s, field) {
        const length = [...v].length;
        if (typeof s.minLength === 'number' && length < s.minLength) {
            this.report(field, 'string_gte', `String length must be greater than or equal to ${s.minLength}`);
        }
        if (typeof s.maxLength === 'number' && length > s.maxLength) {
            this.report(field, 'string_lte', `String length must be less than or equal to ${s.maxLength}`);
        }
        if (typeof s.pattern === 'string' && !compileRe2(s.pattern).test(v)) {
            this.report(field, 'pattern', `Does not match pattern '${s.pattern}'`);
        }
    }
    numberRules(v, s, field) {
        const exclusiveMin = s.exclusiveMinimum === true ? s.minimum : s.exclusiveMinimum;
        const exclusiveMax = s.exclusiveMaximum === true ? s.maximum : s.exclusiveMaximum;
        if (typeof exclusiveMin === 'number' && v <= exclusiveMin)
            this.report(field, 'number_gt', `Must be greater than ${exclusiveMin}`);
        else if (typeof s.minimum === 'number' && s.exclusiveMinimum !== true && v < s.minimum) {
            this.report(field, 'number_gte', `Must be greater than or equal to ${s.minimum}`);
        }
        if (typeof exclusiveMax === 'number' && v >= exclusiveMax)
            this.report(field, 'number_lt', `Must be less than ${exclusiveMax}`);
        else if (typeof s.maximum === 'number' && s.exclusiveMaximum !== true && v > s.maximum) {
            this.report(field, 'number_lte', `Must be less than or equal to ${s.maximum}`);
        }
        if (typeof s.multipleOf === 'number' && !Number.isInteger(v / s.multipleOf)) {
            this.report(field, 'multiple_of', `Must be a multiple of ${s.multipleOf}`);
        }
    }
    arrayRules(v, s, field) {
        if (typeof s.minItems === 'number' && v.length < s.minItems)
            this.report(field, 'array_min_items', `Array must have at least ${s.minItems} items`);
        if (typeof s.maxItems === 'number' && v.length > s.maxItems)
            this.report(field, 'array_max_items', `Array must have at most ${s.maxItems} items`);
        if (s.uniqueItems === true) {
            for (let i = 0; i < v.length; i++) {
                const j = v.findIndex((x, k) => k > i && jsonEqual(x, v[i]));
                if (j >= 0) {
                    this.report(field, 'unique', `array items[${i},${j}] must be unique`);
                    break;
                }
            }
        }
        if (Array.isArray(s.items)) {
            v.forEach((x, i) => {
                const itemSchema = i < s.items.length ? s.items[i] : s.additionalItems;
                if (itemSchema === false)
                    this.report(field, 'array_no_additional_items', 'No additional items allowed on array');
                else
                    this.validate(x, itemSchema, `${field === '(root)' ? '' : field + '.'}${i}`);
            });
        }
        else if (s.items !== undefined) {
            v.forEach((x, i) => this.validate(x, s.items, `${field === '(root)' ? '' : field + '.'}${i}`));
        }
        if (s.contains !== undefined && !v.some((x) => this.matches(x, s.contains, field))) {
            this.report(field, 'contains', 'At least one of the items must match');
        }
    }
    objectRules(v, s, field) {
        const at = (key) => (field === '(root)' ? key : `${field}.${key}`);
        const keys = Object.keys(v);
        if (typeof s.minProperties === 'number' && keys.length < s.minProperties) {
            this.report(field, 'array_min_properties', `Must have at least ${s.minProperties} properties`);
        }
        if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) {
            this.report(field, 'array_max_properties', `Must have at most ${s.maxProperties} properties`);
        }
        if (Array.isArray(s.required)) {
            for (const key of s.required) {
                if (typeof key === 'string' && !Object.hasOwn(v, key))
                    this.report(field, 'required', `${key} is required`);
            }
        }
        const properties = (s.properties ?? {});
        const patterns = (s.patternProperties ?? {});
        for (const key of keys) {
            let matched = false;
            if (Object.hasOwn(properties, key)) {
                matched = true;
                this.validate(v[key], properties[key], at(key));
            }
            for (const [pattern, sub] of Object.entries(patterns)) {
                if (compileRe2(pattern).test(key)) {
                    matched = true;
                    this.validate(v[key], sub, at(key));
                }
            }
            if (!matched && s.additionalProperties === false) {
                this.report(field, 'additional_property_not_allowed', `Additional property ${key} is not allowed`);
            }
            else if (!matched && typeof s.additionalProperties === 'object') {
                this.validate(v[key], s.additionalProperties, at(key));
            }
            if (s.propertyNames !== undefined && !this.matches(key, s.propertyNames, at(key))) {
                this.report(at(key), 'invalid_property_name', `Property "${key}" does not match pattern`);
            }
        }
        const dependencies = (s.dependencies ?? {});
        for (const [key, dep] of Object.entries(dependencies)) {
            if (!Object.hasOwn(v, key))
                continue;
            if (Array.isArray(dep)) {
                for (const needed of dep) {
                    if (typeof needed === 'string' && !Object.hasOwn(v, needed))
                        this.report(field, 'missing_dependency', `Has a dependency on ${needed}`);
                }
            }
            else
                this.validate(v, dep, field);
        }
    }
}
function schemaArg(v, pos) {
    if (typeof v !== 'string' && (typeof v !== 'object' || v === null) && typeof v !== 'boolean') {
        throw new BuiltinError(`operand ${pos} must be string or object`);
    }
    return parseJsonArg(v, 'schema');
}
export function verifySchema(schema) {
    let parsed;
    try {
        parsed = schemaArg(schema, 1);
    }
    catch (e) {
        return [false, `jsonschema: ${e.message}`];
    }
    const problem = schemaProblem(parsed);
    return problem ? [false, `jsonschema: ${problem}`] : [true, null];
}
export function matchSchema(document, schema) {
    const parsed = schemaArg(schema, 2);
    const problem = schemaProblem(parsed);
    if (problem)
        throw new BuiltinError(problem);
    const validator = new Validator(parsed);
    validator.validate(parseJsonArg(document, 'document'), parsed, '(root)');
    return [validator.errors.length === 0, validator.errors];
}
//# sourceMappingURL=jsonschema.js.map