import { describe, expect, it } from 'vitest';
import { hostBuiltins } from '../rego/builtins/host/index.js';

const call = (name: string, ...args: unknown[]): unknown => {
  const fn = hostBuiltins[name];
  if (!fn) throw new Error(`no host builtin ${name}`);
  return fn(...args);
};

const SCHEMA = `
  "A library member"
  type Member implements Node {
    id: ID!
    name: String
    loans(first: Int = 10): [Loan!]!
  }
  interface Node { id: ID! }
  type Loan implements Node { id: ID! title: String! }
  union Item = Member | Loan
  enum Role { READER LIBRARIAN }
  input MemberFilter { role: Role = READER, nameLike: String }
  type Query {
    member(id: ID!): Member
    members(filter: MemberFilter): [Member!]!
    item(id: ID!): Item
  }
  type Mutation { renew(loan: ID!): Loan }
`;

describe('graphql.parse_query', () => {
  it('returns gqlparser-shaped objects with empty parts pruned', () => {
    const ast = call('graphql.parse_query', `
      query Lookup($id: ID! = "m1", $n: Int) @trace {
        who: member(id: $id) { name loans(first: $n) { title } }
        ...Extra
        ... on Query @include(if: true) { item(id: "i") { __typename } }
      }
      fragment Extra on Query { members(filter: {role: LIBRARIAN, nameLike: null}) { id } }
    `);
    expect(ast).toEqual({
      Operations: [
        {
          Operation: 'query',
          Name: 'Lookup',
          VariableDefinitions: [
            {
              Variable: 'id',
              Type: { NamedType: 'ID', NonNull: true },
              DefaultValue: { Raw: 'm1', Kind: 3, ExpectedTypeHasDefault: false },
              Used: false,
            },
            { Variable: 'n', Type: { NamedType: 'Int', NonNull: false }, Used: false },
          ],
          Directives: [{ Name: 'trace', Location: '' }],
          SelectionSet: [
            {
              Alias: 'who',
              Name: 'member',
              Arguments: [{ Name: 'id', Value: { Raw: 'id', Kind: 0, ExpectedTypeHasDefault: false } }],
              SelectionSet: [
                { Alias: 'name', Name: 'name' },
                {
                  Alias: 'loans',
                  Name: 'loans',
                  Arguments: [{ Name: 'first', Value: { Raw: 'n', Kind: 0, ExpectedTypeHasDefault: false } }],
                  SelectionSet: [{ Alias: 'title', Name: 'title' }],
                },
              ],
            },
            { Name: 'Extra' },
            {
              TypeCondition: 'Query',
              Directives: [
                {
                  Name: 'include',
                  Location: '',
                  Arguments: [{ Name: 'if', Value: { Raw: 'true', Kind: 5, ExpectedTypeHasDefault: false } }],
                },
              ],
              SelectionSet: [
                {
                  Alias: 'item',
                  Name: 'item',
                  Arguments: [{ Name: 'id', Value: { Raw: 'i', Kind: 3, ExpectedTypeHasDefault: false } }],
                  SelectionSet: [{ Alias: '__typename', Name: '__typename' }],
                },
              ],
            },
          ],
        },
      ],
      Fragments: [
        {
          Name: 'Extra',
          TypeCondition: 'Query',
          SelectionSet: [
            {
              Alias: 'members',
              Name: 'members',
              Arguments: [
                {
                  Name: 'filter',
                  Value: {
                    Raw: '',
                    Kind: 9,
                    ExpectedTypeHasDefault: false,
                    Children: [
                      { Name: 'role', Value: { Raw: 'LIBRARIAN', Kind: 7, ExpectedTypeHasDefault: false } },
                      { Name: 'nameLike', Value: { Raw: 'null', Kind: 6, ExpectedTypeHasDefault: false } },
                    ],
                  },
                },
              ],
              SelectionSet: [{ Alias: 'id', Name: 'id' }],
            },
          ],
        },
      ],
    });
  });

  it('gives each value kind its gqlparser number and raw text', () => {
    const ast = call('graphql.parse_query', '{ f(a: 1, b: 2.5, c: """\n    block\n    text\n  """, d: [1, [false]], e: []) }') as any;
    const args = ast.Operations[0].SelectionSet[0].Arguments;
    expect(args.map((a: any) => [a.Name, a.Value.Kind, a.Value.Raw])).toEqual([
      ['a', 1, '1'],
      ['b', 2, '2.5'],
      ['c', 4, 'block\ntext'],
      ['d', 8, ''],
      ['e', 8, ''],
    ]);
    expect(args[3].Value.Children[1]).toEqual({
      Name: '',
      Value: {
        Raw: '',
        Kind: 8,
        ExpectedTypeHasDefault: false,
        Children: [{ Name: '', Value: { Raw: 'false', Kind: 5, ExpectedTypeHasDefault: false } }],
      },
    });
    // An empty list keeps no Children key: OPA prunes empty arrays.
    expect(Object.keys(args[4].Value).sort()).toEqual(['ExpectedTypeHasDefault', 'Kind', 'Raw']);
  });

  it('writes nested list and non-null types as gqlparser does', () => {
    const ast = call('graphql.parse_query', 'query ($m: [[Int!]]!) { f }') as any;
    expect(ast.Operations[0].VariableDefinitions[0].Type).toEqual({
      NamedType: '',
      NonNull: true,
      Elem: { NamedType: '', NonNull: false, Elem: { NamedType: 'Int', NonNull: true } },
    });
  });

  it('reads an empty document (or only comments) as no definitions', () => {
    expect(call('graphql.parse_query', '')).toEqual({});
    expect(call('graphql.parse_query', '  # nothing here\n ,')).toEqual({});
  });

  it('reports syntax errors with their location', () => {
    expect(() => call('graphql.parse_query', '{ a(b: ) }')).toThrow(
      'graphql.parse_query: Unexpected ) in GraphQL string at location 1:8',
    );
    expect(() => call('graphql.parse_query', 'query {\n  a {\n}')).toThrow(/Expected Name, found } in GraphQL string at location 3:1$/);
  });

  it('accepts only executable definitions', () => {
    expect(() => call('graphql.parse_query', '{ a }\ntype T { a: Int }')).toThrow(
      'graphql.parse_query: Unexpected Name "type" in GraphQL string at location 2:1',
    );
  });

  it('requires a string', () => {
    expect(() => call('graphql.parse_query', { Operations: [] })).toThrow('graphql.parse_query: operand 1 must be string but got object');
  });
});

describe('graphql.parse_schema', () => {
  it('returns definitions, extensions, directives and schema entries apart', () => {
    const ast = call('graphql.parse_schema', `
      """
        Who borrows
      """
      type Member implements Node & Named @key(fields: "id") { id: ID! tags(limit: Int = 3): [String] @deprecated }
      extend type Member { extra: Boolean }
      union Item = | Member | Loan
      enum Role { READER @deprecated(reason: "old") LIBRARIAN }
      input Filter { role: Role = READER }
      scalar Date @specifiedBy(url: "https://example.com/date")
      directive @key(fields: String!) repeatable on OBJECT | INTERFACE
      schema @entry { query: Query mutation: Mut }
      extend schema { subscription: Sub }
    `) as any;
    expect(ast.Definitions.map((d: any) => [d.Kind, d.Name])).toEqual([
      ['OBJECT', 'Member'],
      ['UNION', 'Item'],
      ['ENUM', 'Role'],
      ['INPUT_OBJECT', 'Filter'],
      ['SCALAR', 'Date'],
    ]);
    expect(ast.Definitions[0]).toEqual({
      Kind: 'OBJECT',
      Description: 'Who borrows',
      Name: 'Member',
      BuiltIn: false,
      Interfaces: ['Node', 'Named'],
      Directives: [
        {
          Name: 'key',
          Location: '',
          Arguments: [{ Name: 'fields', Value: { Raw: 'id', Kind: 3, ExpectedTypeHasDefault: false } }],
        },
      ],
      Fields: [
        { Description: '', Name: 'id', Type: { NamedType: 'ID', NonNull: true } },
        {
          Description: '',
          Name: 'tags',
          Arguments: [
            {
              Description: '',
              Name: 'limit',
              Type: { NamedType: 'Int', NonNull: false },
              DefaultValue: { Raw: '3', Kind: 1, ExpectedTypeHasDefault: false },
            },
          ],
          Type: { NamedType: '', NonNull: false, Elem: { NamedType: 'String', NonNull: false } },
          Directives: [{ Name: 'deprecated', Location: '' }],
        },
      ],
    });
    expect(ast.Definitions[1].Types).toEqual(['Member', 'Loan']);
    expect(ast.Definitions[2].EnumValues[0].Directives[0].Name).toBe('deprecated');
    expect(ast.Definitions[3].Fields[0].DefaultValue).toEqual({ Raw: 'READER', Kind: 7, ExpectedTypeHasDefault: false });
    expect(ast.Extensions).toEqual([
      {
        Kind: 'OBJECT',
        Description: '',
        Name: 'Member',
        BuiltIn: false,
        Fields: [{ Description: '', Name: 'extra', Type: { NamedType: 'Boolean', NonNull: false } }],
      },
    ]);
    expect(ast.Directives).toEqual([
      {
        Description: '',
        Name: 'key',
        IsRepeatable: true,
        Locations: ['OBJECT', 'INTERFACE'],
        Arguments: [{ Description: '', Name: 'fields', Type: { NamedType: 'String', NonNull: true } }],
      },
    ]);
    expect(ast.Schema).toEqual([
      {
        Description: '',
        Directives: [{ Name: 'entry', Location: '' }],
        OperationTypes: [
          { Operation: 'query', Type: 'Query' },
          { Operation: 'mutation', Type: 'Mut' },
        ],
      },
    ]);
    expect(ast.SchemaExtension).toEqual([{ Description: '', OperationTypes: [{ Operation: 'subscription', Type: 'Sub' }] }]);
  });

  it('accepts only type-system definitions', () => {
    expect(() => call('graphql.parse_schema', 'type A { a: Int }\n{ a }')).toThrow(
      'graphql.parse_schema: Unexpected { in GraphQL string at location 2:1',
    );
    expect(() => call('graphql.parse_schema', 'type A {}')).toThrow(/graphql.parse_schema: .* at location 1:9/);
  });
});

describe('graphql.schema_is_valid', () => {
  const valid = (schema: unknown) => call('graphql.schema_is_valid', schema);

  it('accepts schemas without a query type, as gqlparser does', () => {
    expect(valid(SCHEMA)).toBe(true);
    expect(valid('type Only { a: Int }')).toBe(true);
    expect(valid('')).toBe(true);
  });

  it('lets an extension define a type nobody defined', () => {
    expect(valid('extend type Query { a: Int }')).toBe(true);
    expect(valid('type A { a: Int }\nextend type A { b: String }')).toBe(true);
  });

  it('rejects what gqlparser rejects', () => {
    const invalid = [
      'type A { a: Missing }', // undefined type
      'type A { a: Int }\ntype A { b: Int }', // redeclared type
      'type String { a: Int }', // redeclares a prelude type
      'type A { a: Int a: String }', // field defined twice
      'type A { a: Int }\nextend input A { b: Int }', // extension of another kind
      'interface I { a: Int }\ntype A implements I { b: Int }', // interface field missing
      'interface I { a: Int! }\ntype A implements I { a: Int }', // not covariant
      'interface I { a(x: Int): Int }\ntype A implements I { a: Int }', // argument missing
      'interface I { a: Int }\ntype A implements I { a(x: Int!): Int }', // extra required argument
      'interface I { a: Int }\ninterface J implements I { a: Int }\ntype A implements J { a: Int }', // transitive
      'scalar S\ntype A implements S { a: Int }', // not an interface
      'union U = Int', // union member not an object
      'type O { a: Int }\ninput In { o: O }', // object in an input
      'input In { a: Int }\ntype O { a: In }', // input as output
      'input In { a: Int }\ntype O { a(x: O): Int }', // object as argument
      'type A { __a: Int }', // reserved name
      'type A { a: Int @skip(if: true) }', // directive not allowed on a field definition
      'type A { a: Int @unknown }', // undefined directive
      'directive @d(x: Int @d) on ARGUMENT_DEFINITION', // directive refers to itself
      'directive @d on FIELD\ndirective @d on FIELD', // redeclared directive
      'schema { query: Missing }', // root type undefined
      'type Q { a: Int }\nschema { query: Q }\nschema { query: Q }', // two schema definitions
      'type A', // object without fields
    ];
    for (const schema of invalid) expect(valid(schema), schema).toBe(false);
  });

  it('rejects enum values named true, false or null, which only a schema object can hold', () => {
    const schema = { Definitions: [{ Kind: 'ENUM', Name: 'E', EnumValues: [{ Name: 'A' }, { Name: 'null' }] }] };
    expect(valid(schema)).toBe(false);
    schema.Definitions[0].EnumValues.pop();
    expect(valid(schema)).toBe(true);
  });

  it('lets a schema restate a built-in directive', () => {
    expect(valid('directive @deprecated(reason: String) on FIELD_DEFINITION\ntype A { a: Int @deprecated }')).toBe(true);
  });

  it('answers false for syntax errors and values that are no schema', () => {
    expect(valid('type {')).toBe(false);
    expect(valid(42)).toBe(false);
    expect(valid({ Definitions: 'not a list' })).toBe(false);
  });

  it('validates schema objects as it validates their text', () => {
    const ast = call('graphql.parse_schema', SCHEMA);
    expect(valid(ast)).toBe(true);
    const broken = structuredClone(ast) as any;
    broken.Definitions[0].Fields[0].Type.NamedType = 'Nope';
    expect(valid(broken)).toBe(false);
  });
});

describe('graphql.is_valid', () => {
  const isValid = (query: unknown, schema: unknown = SCHEMA) => call('graphql.is_valid', query, schema);

  it('accepts queries that follow the schema', () => {
    expect(isValid('{ member(id: "1") { id name loans { title } } }')).toBe(true);
    expect(isValid('query ($f: MemberFilter) { members(filter: $f) { ...M } }\nfragment M on Member { name }')).toBe(true);
    expect(isValid('{ item(id: "x") { ... on Loan { title } ... on Member { name } } }')).toBe(true);
    expect(isValid('mutation { renew(loan: "l") { id } }')).toBe(true);
    expect(isValid('{ __schema { types { name } } }')).toBe(true);
    expect(isValid('')).toBe(true);
  });

  it('rejects queries that break the spec rules', () => {
    const invalid = [
      '{ member(id: "1") { nope } }', // unknown field
      '{ member { id } }', // required argument missing
      '{ member(id: "1", extra: 1) { id } }', // unknown argument
      '{ member(id: "1") }', // object without selection
      '{ member(id: "1") { name { x } } }', // selection on a scalar
      '{ members(filter: {role: ADMIN}) { id } }', // enum value unknown
      'query ($x: Int) { member(id: "1") { id } }', // unused variable
      '{ member(id: $x) { id } }', // undefined variable
      'query ($x: Int) { member(id: $x) { id } }', // variable of the wrong type
      '{ ...Missing }', // unknown fragment
      '{ member(id: "1") { id } }\nfragment Unused on Member { id }', // unused fragment
      '{ item(id: "x") { ... on Role { x } } }', // fragment on a non-composite type
      'subscription { member(id: "1") { id } }', // no subscription root
      '{ a: member(id: "1") { id } a: member(id: "2") { name } }', // conflicting aliases
    ];
    for (const query of invalid) expect(isValid(query), query).toBe(false);
  });

  it('needs a mutation type for a mutation', () => {
    expect(isValid('mutation { renew(loan: "l") { id } }', 'type Query { a: Int }')).toBe(false);
  });

  it('answers false when the schema itself is invalid', () => {
    expect(isValid('{ a }', 'type Query { a: Missing }')).toBe(false);
  });

  it('validates query and schema objects as their text', () => {
    const query = '{ item(id: "x") { ... on Loan { title } ...M } }\nfragment M on Member { name }';
    expect(isValid(call('graphql.parse_query', query), call('graphql.parse_schema', SCHEMA))).toBe(true);
    const broken = structuredClone(call('graphql.parse_query', query)) as any;
    broken.Fragments[0].SelectionSet[0].Name = 'nope';
    expect(isValid(broken)).toBe(false);
  });

  it('answers false for values of the wrong type', () => {
    expect(isValid(7)).toBe(false);
    expect(isValid('{ a }', ['type Query { a: Int }'])).toBe(false);
    expect(isValid({ Operations: [{ Name: 5 }] })).toBe(false);
  });
});

describe('graphql.parse and graphql.parse_and_verify', () => {
  const query = '{ member(id: "1") { name } }';

  it('return both documents when the query is valid', () => {
    const q = call('graphql.parse_query', query);
    const s = call('graphql.parse_schema', SCHEMA);
    expect(call('graphql.parse', query, SCHEMA)).toEqual([q, s]);
    expect(call('graphql.parse_and_verify', query, SCHEMA)).toEqual([true, q, s]);
    expect(call('graphql.parse', q, s)).toEqual([q, s]);
  });

  it('fail as OPA does when the query is invalid', () => {
    expect(() => call('graphql.parse', '{ member(id: "1") { age } }', SCHEMA)).toThrow(
      /graphql.parse: Cannot query field "age" on type "Member".* in GraphQL query string/,
    );
    expect(() => call('graphql.parse', 1, SCHEMA)).toThrow('graphql.parse: operand 1 must be one of {object, string} but got number');
    expect(call('graphql.parse_and_verify', '{ member(id: "1") { age } }', SCHEMA)).toEqual([false, {}, {}]);
    expect(call('graphql.parse_and_verify', query, 'type {')).toEqual([false, {}, {}]);
  });
});
