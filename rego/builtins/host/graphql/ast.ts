// GraphQL documents in the shape OPA hands to policies: the structs of gqlparser (the Go library OPA builds its
// graphql.* builtins on), with gqlparser's field names. Policies inspect these objects and may pass them back
// to graphql.is_valid and friends, so this shape is the interface, not graphql-js's AST.
//
// Every field is always present here; the builtins prune empty ones on the way out, as OPA does.

/** gqlparser's ValueKind numbers, which policies see in `Value.Kind`. */
export enum ValueKind {
  Variable = 0,
  Int = 1,
  Float = 2,
  String = 3,
  Block = 4,
  Boolean = 5,
  Null = 6,
  Enum = 7,
  List = 8,
  Object = 9,
}

export interface Type {
  /** Empty for a list type, whose element type is `Elem`. */
  NamedType: string;
  Elem: Type | null;
  NonNull: boolean;
}

export interface ChildValue {
  /** The field name in an object value; empty in a list value. */
  Name: string;
  Value: Value | null;
}

export interface Value {
  /** The text of a scalar (a string's decoded content, a variable's name without `$`); empty for lists and objects. */
  Raw: string;
  Children: ChildValue[];
  Kind: ValueKind;
  ExpectedTypeHasDefault: boolean;
}

export interface Argument {
  Name: string;
  Value: Value | null;
}

export interface Directive {
  Name: string;
  Arguments: Argument[];
  /** Filled in by gqlparser's validator only; always empty in what the parser returns. */
  Location: string;
}

export interface Field {
  kind: 'field';
  /** The name the result is keyed by: the alias, or the field name when there is none. */
  Alias: string;
  Name: string;
  Arguments: Argument[];
  Directives: Directive[];
  SelectionSet: Selection[];
}

export interface FragmentSpread {
  kind: 'spread';
  Name: string;
  Directives: Directive[];
}

export interface InlineFragment {
  kind: 'inline';
  /** Empty when the fragment has no `on Type`. */
  TypeCondition: string;
  Directives: Directive[];
  SelectionSet: Selection[];
}

export type Selection = Field | FragmentSpread | InlineFragment;

export interface VariableDefinition {
  Variable: string;
  Type: Type | null;
  DefaultValue: Value | null;
  Directives: Directive[];
  /** Set by gqlparser's validator only; false in parser output. */
  Used: boolean;
}

export interface OperationDefinition {
  Operation: string;
  Name: string;
  VariableDefinitions: VariableDefinition[];
  Directives: Directive[];
  SelectionSet: Selection[];
}

export interface FragmentDefinition {
  Name: string;
  /** Fragment variables (a legacy syntax gqlparser still parses); gqlparser names this field in the singular. */
  VariableDefinition: VariableDefinition[];
  TypeCondition: string;
  Directives: Directive[];
  SelectionSet: Selection[];
}

export interface QueryDocument {
  Operations: OperationDefinition[];
  Fragments: FragmentDefinition[];
}

export interface ArgumentDefinition {
  Description: string;
  Name: string;
  DefaultValue: Value | null;
  Type: Type | null;
  Directives: Directive[];
}

/** A field of an object or interface, or an input field of an input object (which has no arguments). */
export interface FieldDefinition {
  Description: string;
  Name: string;
  Arguments: ArgumentDefinition[];
  DefaultValue: Value | null;
  Type: Type | null;
  Directives: Directive[];
}

export interface EnumValueDefinition {
  Description: string;
  Name: string;
  Directives: Directive[];
}

export type DefinitionKind = 'SCALAR' | 'OBJECT' | 'INTERFACE' | 'UNION' | 'ENUM' | 'INPUT_OBJECT';

/** A type definition or a type extension. */
export interface Definition {
  Kind: string;
  Description: string;
  Name: string;
  Directives: Directive[];
  Interfaces: string[];
  Fields: FieldDefinition[];
  /** Member types of a union. */
  Types: string[];
  EnumValues: EnumValueDefinition[];
  /** True for the types of gqlparser's prelude (built-in scalars and introspection types). */
  BuiltIn: boolean;
}

export interface OperationTypeDefinition {
  Operation: string;
  Type: string;
}

export interface SchemaDefinition {
  Description: string;
  Directives: Directive[];
  OperationTypes: OperationTypeDefinition[];
}

export interface DirectiveDefinition {
  Description: string;
  Name: string;
  Arguments: ArgumentDefinition[];
  Locations: string[];
  IsRepeatable: boolean;
}

export interface SchemaDocument {
  Schema: SchemaDefinition[];
  SchemaExtension: SchemaDefinition[];
  Directives: DirectiveDefinition[];
  Definitions: Definition[];
  Extensions: Definition[];
}

/** The named type at the bottom of a (list or non-null) type reference. */
export function namedTypeOf(type: Type | null): string {
  if (type === null) return '';
  return type.NamedType !== '' ? type.NamedType : namedTypeOf(type.Elem);
}

/** A type reference as GraphQL writes it: `[String!]!`. */
export function typeText(type: Type | null): string {
  if (type === null) return '';
  const inner = type.NamedType !== '' ? type.NamedType : `[${typeText(type.Elem)}]`;
  return type.NonNull ? `${inner}!` : inner;
}
