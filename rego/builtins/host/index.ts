// The builtins a compiled policy imports from its host through OPA's `opa_builtinN` calls: everything in the
// catalog that our WASM runtime does not implement natively, and everything OPA's runtime does not (a module
// built by `opa build -t wasm` imports those; catalog.ts OPA_RUNTIME_NATIVE), even where ours is native.
//
// Contract with the engine (rego/engine.ts):
//  - arguments arrive JSON-decoded (a Rego set is an array); a function returns the result as a JSON value, or
//    as an ArrayBuffer of JSON text when it holds integers beyond 2^53 (OPA's SDK loads that text verbatim);
//    `undefined` means the call is undefined;
//  - a function throws an Error with OPA's message (prefixed with the builtin name) on bad input; the engine
//    turns that into "undefined", as OPA does outside strict mode;
//  - time.now_ns, rand.intn and uuid.rfc4122 return one value per evaluation for the same arguments: call
//    resetEvaluation() before each evaluation (the answers are also dropped on the next microtask, so a caller
//    that forgets still never sees a stale "now" in a later evaluation).
//
// Not provided, by design: http.send and net.lookup_ip_addr (no network from policies), rego.parse_module and
// rego.metadata.* (they need OPA's Go AST), and print (the emitted code prints through opa_println).

import { arrayBuiltins } from './arrays.js';
import { awsBuiltins } from './aws.js';
import { cryptoBuiltins } from './crypto.js';
import { encodingBuiltins } from './encoding.js';
import { globBuiltins } from './glob.js';
import { graphBuiltins } from './graph.js';
import { graphqlBuiltins } from './graphql.js';
import { jwtBuiltins } from './jwt.js';
import { membershipBuiltins } from './membership.js';
import { miscBuiltins } from './misc.js';
import { netBuiltins } from './net.js';
import { numberBuiltins } from './numbers.js';
import { objectBuiltins } from './objects.js';
import { compareValues } from './order.js';
import { regexBuiltins } from './regex.js';
import { semverBuiltins } from './semver.js';
import { stringBuiltins } from './strings.js';
import { timeBuiltins } from './time.js';
import { unitBuiltins } from './units.js';
import { uriBuiltins } from './uri.js';
import { uuidBuiltins } from './uuid.js';

export { resetEvaluation } from './evaluation.js';

type HostBuiltin = (...args: any[]) => unknown;

/** Prefixes errors with the builtin's name, as OPA reports them (`sprintf: operand 1 must be string ...`). */
function named(name: string, fn: HostBuiltin): HostBuiltin {
  return (...args: unknown[]) => {
    try {
      return fn(...args);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(`${name}: ${message}`, { cause: e });
    }
  };
}

const FAMILIES: Array<Record<string, HostBuiltin>> = [
  stringBuiltins,
  regexBuiltins,
  globBuiltins,
  timeBuiltins,
  jwtBuiltins,
  cryptoBuiltins,
  netBuiltins,
  semverBuiltins,
  unitBuiltins,
  uuidBuiltins,
  encodingBuiltins,
  graphBuiltins,
  arrayBuiltins,
  objectBuiltins,
  numberBuiltins,
  membershipBuiltins,
  uriBuiltins,
  awsBuiltins,
  graphqlBuiltins,
  miscBuiltins,
];

/**
 * Host builtins whose result OPA defines as a set. JSON has no sets, so they return the elements as an array
 * (sorted in OPA's order); the code that receives the result must turn it into a set before using it.
 */
export const SET_RESULT_BUILTINS: ReadonlySet<string> = new Set([
  'net.cidr_expand',
  'net.cidr_merge',
  'net.cidr_contains_matches',
  'graph.reachable',
  'graph.reachable_paths',
  'object.keys',
]);

/** A set's elements in OPA's order, so that equal sets give equal arrays. */
function asSortedSet(fn: HostBuiltin): HostBuiltin {
  return (...args: unknown[]) => {
    const result = fn(...args);
    return Array.isArray(result) ? [...result].sort(compareValues) : result;
  };
}

export const hostBuiltins: Record<string, HostBuiltin> = Object.fromEntries(
  FAMILIES.flatMap((family) => Object.entries(family)).map(([name, fn]) => [
    name,
    named(name, SET_RESULT_BUILTINS.has(name) ? asSortedSet(fn) : fn),
  ]),
);
