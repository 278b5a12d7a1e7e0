// GraphQL text to gqlparser-shaped documents (ast.ts). graphql-js does the parsing; this maps its nodes to
// gqlparser's structs and applies the parts of gqlparser's grammar that differ from graphql-js's single grammar:
// a query document holds only executable definitions, a schema document only type-system ones, and a document
// with no definitions at all is empty rather than an error.

import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  parse,
  type ArgumentNode,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type SchemaDefinitionNode,
  type SchemaExtensionNode,
  type SelectionNode,
  type SelectionSetNode,
  type Token,
  type TypeDefinitionNode,
  type TypeExtensionNode,
  type TypeNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { BuiltinError } from '../args.js';
import type {
  Argument,
  ArgumentDefinition,
  Definition,
  DefinitionKind,
  Directive,
  FieldDefinition,
  QueryDocument,
  SchemaDefinition,
  SchemaDocument,
  Selection,
  Type,
  Value,
  VariableDefinition,
} from './ast.js';
import { ValueKind } from './ast.js';

/** Bounds the parser's work on hostile input; far above any real query or schema. */
const MAX_TOKENS = 200_000;

function location(token: Token): string {
  return `${token.line}:${token.column}`;
}

/** OPA's wording: `<what went wrong> in GraphQL string at location <line>:<column>`. */
function syntaxError(e: unknown): BuiltinError {
  if (e instanceof GraphQLError) {
    // graphql-js quotes punctuators (`Unexpected ")"`); gqlparser, whose wording OPA passes on, does not.
    const message = e.message
      .replace(/^Syntax Error: /, '')
      .replace(/\.$/, '')
      .replace(/(Unexpected |Expected |found )"(\.\.\.|[!$&():=@[\]{|}])"/g, '$1$2');
    const at = e.locations?.[0];
    return new BuiltinError(`${message} in GraphQL string${at ? ` at location ${at.line}:${at.column}` : ''}`);
  }
  return new BuiltinError(`GraphQL parsing failed: ${e instanceof Error ? e.message : String(e)}`);
}

function tokenText(token: Token): string {
  if (token.kind === TokenKind.NAME) return `Name ${JSON.stringify(token.value)}`;
  if (token.kind === TokenKind.STRING || token.kind === TokenKind.BLOCK_STRING) return `String ${JSON.stringify(token.value)}`;
  return token.kind;
}

/** A definition that belongs to the other kind of document, reported as gqlparser reports an unexpected token. */
function misplaced(definition: DefinitionNode): BuiltinError {
  const start = definition.loc?.startToken;
  if (!start) return new BuiltinError('unexpected definition in GraphQL string');
  return new BuiltinError(`Unexpected ${tokenText(start)} in GraphQL string at location ${location(start)}`);
}

/** Whether the text holds nothing but whitespace, commas and comments. */
function isBlank(text: string): boolean {
  try {
    return new Lexer(new Source(text)).advance().kind === TokenKind.EOF;
  } catch {
    return false;
  }
}

function parseDocument(text: string): DocumentNode | undefined {
  if (isBlank(text)) return undefined;
  try {
    return parse(text, { allowLegacyFragmentVariables: true, maxTokens: MAX_TOKENS });
  } catch (e) {
    throw syntaxError(e);
  }
}

function convertType(node: TypeNode): Type {
  switch (node.kind) {
    case Kind.NAMED_TYPE:
      return { NamedType: node.name.value, Elem: null, NonNull: false };
    case Kind.LIST_TYPE:
      return { NamedType: '', Elem: convertType(node.type), NonNull: false };
    case Kind.NON_NULL_TYPE:
      return { ...convertType(node.type), NonNull: true };
  }
}

function scalar(Kind: ValueKind, Raw: string): Value {
  return { Raw, Children: [], Kind, ExpectedTypeHasDefault: false };
}

function convertValue(node: ValueNode): Value {
  switch (node.kind) {
    case Kind.VARIABLE:
      return scalar(ValueKind.Variable, node.name.value);
    case Kind.INT:
      return scalar(ValueKind.Int, node.value);
    case Kind.FLOAT:
      return scalar(ValueKind.Float, node.value);
    case Kind.STRING:
      return scalar(node.block ? ValueKind.Block : ValueKind.String, node.value);
    case Kind.BOOLEAN:
      return scalar(ValueKind.Boolean, String(node.value));
    case Kind.NULL:
      return scalar(ValueKind.Null, 'null');
    case Kind.ENUM:
      return scalar(ValueKind.Enum, node.value);
    case Kind.LIST:
      return { ...scalar(ValueKind.List, ''), Children: node.values.map((v) => ({ Name: '', Value: convertValue(v) })) };
    case Kind.OBJECT:
      return {
        ...scalar(ValueKind.Object, ''),
        Children: node.fields.map((f) => ({ Name: f.name.value, Value: convertValue(f.value) })),
      };
  }
}

function convertArguments(nodes: readonly ArgumentNode[] | undefined): Argument[] {
  return (nodes ?? []).map((a) => ({ Name: a.name.value, Value: convertValue(a.value) }));
}

function convertDirectives(nodes: readonly (DirectiveNode | ConstDirectiveNode)[] | undefined): Directive[] {
  return (nodes ?? []).map((d) => ({ Name: d.name.value, Arguments: convertArguments(d.arguments), Location: '' }));
}

function convertVariables(nodes: readonly VariableDefinitionNode[] | undefined): VariableDefinition[] {
  return (nodes ?? []).map((v) => ({
    Variable: v.variable.name.value,
    Type: convertType(v.type),
    DefaultValue: v.defaultValue ? convertValue(v.defaultValue) : null,
    Directives: convertDirectives(v.directives),
    Used: false,
  }));
}

function convertSelections(node: SelectionSetNode | undefined): Selection[] {
  return (node?.selections ?? []).map((s: SelectionNode): Selection => {
    switch (s.kind) {
      case Kind.FIELD:
        return {
          kind: 'field',
          Alias: s.alias?.value ?? s.name.value,
          Name: s.name.value,
          Arguments: convertArguments(s.arguments),
          Directives: convertDirectives(s.directives),
          SelectionSet: convertSelections(s.selectionSet),
        };
      case Kind.FRAGMENT_SPREAD:
        return { kind: 'spread', Name: s.name.value, Directives: convertDirectives(s.directives) };
      case Kind.INLINE_FRAGMENT:
        return {
          kind: 'inline',
          TypeCondition: s.typeCondition?.name.value ?? '',
          Directives: convertDirectives(s.directives),
          SelectionSet: convertSelections(s.selectionSet),
        };
    }
  });
}

/** Parses a GraphQL query document; throws OPA's syntax error message. */
export function parseQuery(text: string): QueryDocument {
  const doc: QueryDocument = { Operations: [], Fragments: [] };
  for (const d of parseDocument(text)?.definitions ?? []) {
    if (d.kind === Kind.OPERATION_DEFINITION) {
      doc.Operations.push({
        Operation: d.operation,
        Name: d.name?.value ?? '',
        VariableDefinitions: convertVariables(d.variableDefinitions),
        Directives: convertDirectives(d.directives),
        SelectionSet: convertSelections(d.selectionSet),
      });
    } else if (d.kind === Kind.FRAGMENT_DEFINITION) {
      doc.Fragments.push({
        Name: d.name.value,
        VariableDefinition: convertVariables(d.variableDefinitions),
        TypeCondition: d.typeCondition.name.value,
        Directives: convertDirectives(d.directives),
        SelectionSet: convertSelections(d.selectionSet),
      });
    } else {
      throw misplaced(d);
    }
  }
  return doc;
}

function convertArgumentDefinitions(nodes: readonly InputValueDefinitionNode[] | undefined): ArgumentDefinition[] {
  return (nodes ?? []).map((a) => ({
    Description: a.description?.value ?? '',
    Name: a.name.value,
    DefaultValue: a.defaultValue ? convertValue(a.defaultValue) : null,
    Type: convertType(a.type),
    Directives: convertDirectives(a.directives),
  }));
}

function convertFields(nodes: readonly (FieldDefinitionNode | InputValueDefinitionNode)[] | undefined): FieldDefinition[] {
  return (nodes ?? []).map((f) => ({
    Description: f.description?.value ?? '',
    Name: f.name.value,
    Arguments: 'arguments' in f ? convertArgumentDefinitions(f.arguments) : [],
    DefaultValue: 'defaultValue' in f && f.defaultValue ? convertValue(f.defaultValue) : null,
    Type: convertType(f.type),
    Directives: convertDirectives(f.directives),
  }));
}

const TYPE_DEFINITIONS: Partial<Record<Kind, DefinitionKind>> = {
  [Kind.SCALAR_TYPE_DEFINITION]: 'SCALAR',
  [Kind.OBJECT_TYPE_DEFINITION]: 'OBJECT',
  [Kind.INTERFACE_TYPE_DEFINITION]: 'INTERFACE',
  [Kind.UNION_TYPE_DEFINITION]: 'UNION',
  [Kind.ENUM_TYPE_DEFINITION]: 'ENUM',
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'INPUT_OBJECT',
};

const TYPE_EXTENSIONS: Partial<Record<Kind, DefinitionKind>> = {
  [Kind.SCALAR_TYPE_EXTENSION]: 'SCALAR',
  [Kind.OBJECT_TYPE_EXTENSION]: 'OBJECT',
  [Kind.INTERFACE_TYPE_EXTENSION]: 'INTERFACE',
  [Kind.UNION_TYPE_EXTENSION]: 'UNION',
  [Kind.ENUM_TYPE_EXTENSION]: 'ENUM',
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'INPUT_OBJECT',
};

function convertDefinition(node: TypeDefinitionNode | TypeExtensionNode, kind: DefinitionKind): Definition {
  return {
    Kind: kind,
    Description: 'description' in node ? (node.description?.value ?? '') : '',
    Name: node.name.value,
    Directives: convertDirectives(node.directives),
    Interfaces: 'interfaces' in node ? (node.interfaces ?? []).map((i) => i.name.value) : [],
    Fields: 'fields' in node ? convertFields(node.fields) : [],
    Types: 'types' in node ? (node.types ?? []).map((t) => t.name.value) : [],
    EnumValues:
      'values' in node
        ? (node.values ?? []).map((v) => ({
            Description: v.description?.value ?? '',
            Name: v.name.value,
            Directives: convertDirectives(v.directives),
          }))
        : [],
    BuiltIn: false,
  };
}

function convertSchemaDefinition(node: SchemaDefinitionNode | SchemaExtensionNode): SchemaDefinition {
  return {
    Description: 'description' in node ? (node.description?.value ?? '') : '',
    Directives: convertDirectives(node.directives),
    OperationTypes: (node.operationTypes ?? []).map((o) => ({ Operation: o.operation, Type: o.type.name.value })),
  };
}

/** Parses a GraphQL schema document (SDL); throws OPA's syntax error message. */
export function parseSchema(text: string): SchemaDocument {
  const doc: SchemaDocument = { Schema: [], SchemaExtension: [], Directives: [], Definitions: [], Extensions: [] };
  for (const d of parseDocument(text)?.definitions ?? []) {
    const definitionKind = TYPE_DEFINITIONS[d.kind];
    const extensionKind = TYPE_EXTENSIONS[d.kind];
    if (definitionKind !== undefined) {
      doc.Definitions.push(convertDefinition(d as TypeDefinitionNode, definitionKind));
    } else if (extensionKind !== undefined) {
      doc.Extensions.push(convertDefinition(d as TypeExtensionNode, extensionKind));
    } else if (d.kind === Kind.SCHEMA_DEFINITION) {
      doc.Schema.push(convertSchemaDefinition(d));
    } else if (d.kind === Kind.SCHEMA_EXTENSION) {
      doc.SchemaExtension.push(convertSchemaDefinition(d));
    } else if (d.kind === Kind.DIRECTIVE_DEFINITION) {
      doc.Directives.push({
        Description: d.description?.value ?? '',
        Name: d.name.value,
        Arguments: convertArgumentDefinitions(d.arguments),
        Locations: d.locations.map((l) => l.value),
        IsRepeatable: d.repeatable,
      });
    } else {
      throw misplaced(d);
    }
  }
  return doc;
}
