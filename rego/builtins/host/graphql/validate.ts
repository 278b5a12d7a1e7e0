// Validation of a query against a schema. gqlparser's query rules are the spec's, the same set graphql-js
// implements, so graphql-js runs them: the gqlparser-shaped query and the validated schema (schema.ts) are turned
// into graphql-js nodes for it. One gqlparser rule graphql-js 16 lacks is added: an operation needs a root type.

import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  buildASTSchema,
  specifiedRules,
  validate,
  type ArgumentNode,
  type ConstValueNode,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type ListTypeNode,
  type NameNode,
  type NamedTypeNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type TypeDefinitionNode,
  type TypeNode,
  type ValidationRule,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { BuiltinError } from '../args.js';
import type {
  Argument,
  ArgumentDefinition,
  Definition,
  Directive,
  DirectiveDefinition,
  FieldDefinition,
  QueryDocument,
  Selection,
  Type,
  Value,
  VariableDefinition,
} from './ast.js';
import { ValueKind } from './ast.js';
import type { ValidSchema } from './schema.js';

function name(value: string): NameNode {
  return { kind: Kind.NAME, value };
}

function namedType(value: string): NamedTypeNode {
  return { kind: Kind.NAMED_TYPE, name: name(value) };
}

function typeNode(type: Type | null): TypeNode {
  if (type === null) throw new BuiltinError('type reference missing');
  const inner: NamedTypeNode | ListTypeNode =
    type.NamedType !== '' ? namedType(type.NamedType) : { kind: Kind.LIST_TYPE, type: typeNode(type.Elem) };
  return type.NonNull ? { kind: Kind.NON_NULL_TYPE, type: inner } : inner;
}

function valueNode(value: Value | null): ValueNode {
  if (value === null) throw new BuiltinError('value missing');
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

function argumentNodes(args: Argument[]): ArgumentNode[] {
  return args.map((a) => ({ kind: Kind.ARGUMENT, name: name(a.Name), value: valueNode(a.Value) }));
}

function directiveNodes(directives: Directive[]): DirectiveNode[] {
  return directives.map((d) => ({ kind: Kind.DIRECTIVE, name: name(d.Name), arguments: argumentNodes(d.Arguments) }));
}

function variableNodes(variables: VariableDefinition[]): VariableDefinitionNode[] {
  return variables.map((v) => ({
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: name(v.Variable) },
    type: typeNode(v.Type),
    defaultValue: v.DefaultValue ? (valueNode(v.DefaultValue) as ConstValueNode) : undefined,
    directives: directiveNodes(v.Directives) as VariableDefinitionNode['directives'],
  }));
}

function selectionSet(selections: Selection[]): SelectionSetNode | undefined {
  if (selections.length === 0) return undefined;
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

const EMPTY_SELECTION_SET: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [] };

function queryNodes(doc: QueryDocument): DocumentNode {
  const definitions: DefinitionNode[] = [
    ...doc.Operations.map(
      (o): OperationDefinitionNode => ({
        kind: Kind.OPERATION_DEFINITION,
        operation: o.Operation as OperationTypeNode,
        name: o.Name !== '' ? name(o.Name) : undefined,
        variableDefinitions: variableNodes(o.VariableDefinitions),
        directives: directiveNodes(o.Directives),
        selectionSet: selectionSet(o.SelectionSet) ?? EMPTY_SELECTION_SET,
      }),
    ),
    ...doc.Fragments.map((f) => ({
      kind: Kind.FRAGMENT_DEFINITION as const,
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

function inputValueNodes(args: (ArgumentDefinition | FieldDefinition)[]): InputValueDefinitionNode[] {
  return args.map((a) => ({
    kind: Kind.INPUT_VALUE_DEFINITION,
    name: name(a.Name),
    type: typeNode(a.Type),
    defaultValue: a.DefaultValue ? (valueNode(a.DefaultValue) as ConstValueNode) : undefined,
  }));
}

function fieldNodes(fields: FieldDefinition[]): FieldDefinitionNode[] {
  return fields.map((f) => ({
    kind: Kind.FIELD_DEFINITION,
    name: name(f.Name),
    arguments: inputValueNodes(f.Arguments),
    type: typeNode(f.Type),
  }));
}

function typeDefinitionNode(d: Definition): TypeDefinitionNode {
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

function directiveDefinitionNode(d: DirectiveDefinition): DefinitionNode {
  return {
    kind: Kind.DIRECTIVE_DEFINITION,
    name: name(d.Name),
    arguments: inputValueNodes(d.Arguments),
    repeatable: d.IsRepeatable,
    locations: d.Locations.map(name),
  };
}

function schemaNodes(schema: ValidSchema): DocumentNode {
  const definitions: DefinitionNode[] = [
    ...[...schema.types.values()].map(typeDefinitionNode),
    ...[...schema.directives.values()].map(directiveDefinitionNode),
    {
      kind: Kind.SCHEMA_DEFINITION,
      operationTypes: [...schema.roots].map(([operation, type]) => ({
        kind: Kind.OPERATION_TYPE_DEFINITION,
        operation: operation as OperationTypeNode,
        type: namedType(type),
      })),
    },
  ];
  return { kind: Kind.DOCUMENT, definitions };
}

/** gqlparser's KnownRootType: `mutation { ... }` is invalid against a schema without a mutation type. */
const knownRootTypeRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`Schema does not support operation type "${node.operation}"`, { nodes: node }));
    }
  },
});

/** Validates a query against a validated schema; throws the first problem, in OPA's wording. */
export function validateQuery(schema: ValidSchema, query: QueryDocument): void {
  // The schema was validated by gqlparser's rules already; graphql-js's own schema rules differ.
  const built = buildASTSchema(schemaNodes(schema), { assumeValid: true, assumeValidSDL: true });
  const errors = validate(built, queryNodes(query), [...specifiedRules, knownRootTypeRule], { maxErrors: 1 });
  if (errors.length > 0) throw new BuiltinError(`${errors[0].message.replace(/\.$/, '')} in GraphQL query string`);
}
