// Every builtin function a policy may call, with its number of arguments. The checker uses it to reject unknown
// functions and wrong arities; the emitter uses it to decide how a call is made: a builtin that the WASM runtime
// exports as `opa_builtin_<name with . replaced by _>` is called natively, every other one goes to the host
// through OPA's `opa_builtinN` imports (implemented in rego/builtins/host/).

export interface BuiltinSpec {
  name: string;
  /** Declared arguments; a call may pass one more, the output variable. */
  arity: number;
  /** Returns a different value on each evaluation: called once per evaluation and cached (time.now_ns, ...). */
  nondeterministic?: boolean;
  /** Infix operators and other names a policy writes with a symbol, not with this name. */
  infix?: string;
}

// name/arity, grouped as OPA's documentation groups them.
const TABLE = `
# comparison and arithmetic (infix)
equal/2:== neq/2:!= lt/2:< lte/2:<= gt/2:> gte/2:>= plus/2:+ minus/2:- mul/2:* div/2:/ rem/2:% and/2:& or/2:|
internal.member_2/2:in internal.member_3/3:in assign/2::= eq/2:=
# numbers
abs/1 ceil/1 floor/1 round/1 numbers.range/2 numbers.range_step/3 rand.intn/2! to_number/1 format_int/2
# aggregates
count/1 sum/1 product/1 max/1 min/1 sort/1 all/1 any/1
# arrays, sets, objects
array.concat/2 array.slice/3 array.reverse/1 array.flatten/1 intersection/1 union/1 set_diff/2
object.get/3 object.keys/1 object.remove/2 object.subset/2 object.union/2 object.union_n/1 object.filter/2
json.filter/2 json.remove/2 json.patch/2
# strings
concat/2 contains/2 endswith/2 format_int/2 indexof/2 indexof_n/2 lower/1 replace/3 split/2 sprintf/2
startswith/2 strings.any_prefix_match/2 strings.any_suffix_match/2 strings.count/2 strings.render_template/2
strings.replace_n/2 strings.reverse/1 substring/3 trim/2 trim_left/2 trim_prefix/2 trim_right/2 trim_space/1
trim_suffix/2 upper/1
# regex and glob
regex.match/2 re_match/2 regex.is_valid/1 regex.split/2 regex.find_n/3 regex.find_all_string_submatch_n/3
regex.replace/3 regex.template_match/4 regex.globs_match/2 glob.match/3 glob.quote_meta/1
# bits
bits.and/2 bits.or/2 bits.xor/2 bits.negate/1 bits.lsh/2 bits.rsh/2
# types
is_number/1 is_string/1 is_boolean/1 is_array/1 is_set/1 is_object/1 is_null/1 type_name/1
# encoding
base64.encode/1 base64.decode/1 base64.is_valid/1 base64url.encode/1 base64url.encode_no_pad/1 base64url.decode/1
urlquery.encode/1 urlquery.decode/1 urlquery.encode_object/1 urlquery.decode_object/1 uri.parse/1 uri.is_valid/1
json.marshal/1 json.marshal_with_options/2 json.unmarshal/1 json.is_valid/1 json.match_schema/2 json.verify_schema/1
yaml.marshal/1 yaml.unmarshal/1 yaml.is_valid/1 hex.encode/1 hex.decode/1
# tokens
io.jwt.decode/1 io.jwt.decode_verify/2 io.jwt.encode_sign/3 io.jwt.encode_sign_raw/3
io.jwt.verify_rs256/2 io.jwt.verify_rs384/2 io.jwt.verify_rs512/2 io.jwt.verify_ps256/2 io.jwt.verify_ps384/2
io.jwt.verify_ps512/2 io.jwt.verify_es256/2 io.jwt.verify_es384/2 io.jwt.verify_es512/2 io.jwt.verify_eddsa/2
io.jwt.verify_hs256/2 io.jwt.verify_hs384/2 io.jwt.verify_hs512/2
# time
time.now_ns/0! time.parse_ns/2 time.parse_rfc3339_ns/1 time.parse_duration_ns/1 time.format/1 time.date/1
time.clock/1 time.weekday/1 time.add_date/4 time.diff/2
# crypto
crypto.md5/1 crypto.sha1/1 crypto.sha256/1 crypto.hmac.md5/2 crypto.hmac.sha1/2 crypto.hmac.sha256/2
crypto.hmac.sha512/2 crypto.hmac.equal/2 crypto.x509.parse_certificates/1 crypto.x509.parse_and_verify_certificates/1
crypto.x509.parse_and_verify_certificates_with_options/2 crypto.x509.parse_certificate_request/1
crypto.x509.parse_keypair/2 crypto.x509.parse_rsa_private_key/1 crypto.parse_private_keys/1
# graphs
graph.reachable/2 graph.reachable_paths/2 walk/1
# net and uuid
net.cidr_contains/2 net.cidr_intersects/2 net.cidr_contains_matches/2 net.cidr_expand/1 net.cidr_merge/1
net.cidr_is_valid/1 net.lookup_ip_addr/1! uuid.rfc4122/1! uuid.parse/1
# semver, units
semver.is_valid/1 semver.compare/2 units.parse/1 units.parse_bytes/1
# rego, opa, tracing
rego.metadata.chain/0 rego.metadata.rule/0 rego.parse_module/2 opa.runtime/0 trace/1 print/-1
# http and providers
http.send/1! providers.aws.sign_req/3
# graphql
graphql.is_valid/2 graphql.parse/2 graphql.parse_and_verify/2 graphql.parse_query/1 graphql.parse_schema/1
graphql.schema_is_valid/1
`;

function parseTable(table: string): Map<string, BuiltinSpec> {
  const specs = new Map<string, BuiltinSpec>();
  for (const line of table.split('\n')) {
    if (line.startsWith('#')) continue;
    for (const word of line.split(/\s+/).filter(Boolean)) {
      const m = /^([a-z_0-9.]+)\/(-?\d+)(!)?(?::(.+))?$/.exec(word);
      if (!m) throw new Error(`builtin catalog: bad entry ${word}`);
      const spec: BuiltinSpec = { name: m[1], arity: Number(m[2]) };
      if (m[3]) spec.nondeterministic = true;
      if (m[4]) spec.infix = m[4];
      specs.set(spec.name, spec);
    }
  }
  return specs;
}

/** Keyed by dotted name. `print` has arity -1: it takes any number of arguments. */
export const BUILTINS: ReadonlyMap<string, BuiltinSpec> = parseTable(TABLE);

/** The name of the runtime export that implements a builtin natively, if the runtime has it. */
export function nativeExportName(builtin: string): string {
  return `opa_builtin_${builtin.replace(/\./g, '_')}`;
}

/**
 * The builtins OPA's own WASM runtime implements. A module built by `opa build -t wasm` imports every other
 * builtin it calls from the host, so rego/builtins/host/ must serve all the rest, even those our runtime also has
 * natively (their host versions are what OPA-built bundles call).
 */
export const OPA_RUNTIME_NATIVE: ReadonlySet<string> = new Set(
  `plus minus mul div rem abs round ceil floor array.concat array.slice set_diff and or intersection union
   is_number is_string is_boolean is_array is_set is_object is_null type_name
   bits.or bits.and bits.negate bits.xor bits.lsh bits.rsh count sum product max min sort all any
   base64.is_valid base64.decode base64.encode base64url.encode base64url.decode
   net.cidr_contains net.cidr_overlap net.cidr_intersects equal gt gte lt lte neq glob.match
   json.marshal json.unmarshal object.filter object.get object.remove object.union
   concat format_int indexof substring lower upper contains startswith endswith split replace strings.replace_n
   trim trim_left trim_prefix trim_right trim_suffix trim_space numbers.range to_number walk graph.reachable
   regex.is_valid regex.match re_match regex.find_all_string_submatch_n json.remove json.filter`
    .split(/\s+/)
    .filter(Boolean),
);
