// Native builtins, exported as opa_builtin_<name with . as _>. Each returns 0 (undefined) when an argument has
// the wrong type or value, as OPA does outside strict mode. This file only names things.

import { equal, gt, gte, lt, lte, neq } from "./comparison";
import {
  abs, ceil, div, floor, minus, mul, numbersRange, numbersRangeStep, plus, rem, round,
} from "./arithmetic";
import { intersection, setAnd, setDiff, setOr, union } from "./sets";
import { member2, member3 } from "./membership";
import { all, any, count, max, min, product, sort, sum } from "./aggregates";
import { arrayConcat, arrayReverse, arraySlice } from "./arrays";
import {
  objectFilter, objectGetOr, objectKeys, objectRemove, objectSubset, objectUnion, objectUnionN,
} from "./objects";
import { jsonFilter, jsonRemove } from "./jsonpaths";
import { walk, walkNoPath } from "./walk";
import { templateValue } from "./template";
import {
  anyPrefixMatch, anySuffixMatch, concat, contains, endswith, indexof, lower, replace, split, startswith,
  stringsCount, stringsReverse, substring, trim, trimLeft, trimPrefix, trimRight, trimSpace, trimSuffix, upper,
} from "./strings";
import {
  formatInt, isArray, isBoolean, isNull, isNumber, isObject, isSet, isString, toNumber, typeName,
} from "./types";
import { bitsAnd, bitsLsh, bitsNegate, bitsOr, bitsRsh, bitsXor } from "./bits";
import {
  base64Decode, base64Encode, base64IsValid, base64UrlDecode, base64UrlEncode, base64UrlEncodeNoPad, hexDecode,
  hexEncode, jsonIsValid, jsonMarshal, jsonUnmarshal,
} from "./encoding";
import { globMatch } from "./glob";
import { cidrContains } from "./cidr";
import { cidrContainsMatches } from "./cidr_matches";
import { regexIsValid, regexMatch } from "./regex";
import { parseRfc3339Ns } from "./time";

// comparison and arithmetic
export function opa_builtin_equal(a: usize, b: usize): usize { return equal(a, b); }
export function opa_builtin_neq(a: usize, b: usize): usize { return neq(a, b); }
export function opa_builtin_lt(a: usize, b: usize): usize { return lt(a, b); }
export function opa_builtin_lte(a: usize, b: usize): usize { return lte(a, b); }
export function opa_builtin_gt(a: usize, b: usize): usize { return gt(a, b); }
export function opa_builtin_gte(a: usize, b: usize): usize { return gte(a, b); }
export function opa_builtin_plus(a: usize, b: usize): usize { return plus(a, b); }
export function opa_builtin_minus(a: usize, b: usize): usize { return minus(a, b); }
export function opa_builtin_mul(a: usize, b: usize): usize { return mul(a, b); }
export function opa_builtin_div(a: usize, b: usize): usize { return div(a, b); }
export function opa_builtin_rem(a: usize, b: usize): usize { return rem(a, b); }
export function opa_builtin_and(a: usize, b: usize): usize { return setAnd(a, b); }
export function opa_builtin_or(a: usize, b: usize): usize { return setOr(a, b); }
export function opa_builtin_internal_member_2(x: usize, c: usize): usize { return member2(x, c); }
export function opa_builtin_internal_member_3(k: usize, v: usize, c: usize): usize { return member3(k, v, c); }

// numbers
export function opa_builtin_abs(x: usize): usize { return abs(x); }
export function opa_builtin_ceil(x: usize): usize { return ceil(x); }
export function opa_builtin_floor(x: usize): usize { return floor(x); }
export function opa_builtin_round(x: usize): usize { return round(x); }
export function opa_builtin_numbers_range(a: usize, b: usize): usize { return numbersRange(a, b); }
export function opa_builtin_numbers_range_step(a: usize, b: usize, s: usize): usize {
  return numbersRangeStep(a, b, s);
}
export function opa_builtin_to_number(x: usize): usize { return toNumber(x); }
export function opa_builtin_format_int(x: usize, base: usize): usize { return formatInt(x, base); }

// aggregates
export function opa_builtin_count(x: usize): usize { return count(x); }
export function opa_builtin_sum(x: usize): usize { return sum(x); }
export function opa_builtin_product(x: usize): usize { return product(x); }
export function opa_builtin_max(x: usize): usize { return max(x); }
export function opa_builtin_min(x: usize): usize { return min(x); }
export function opa_builtin_sort(x: usize): usize { return sort(x); }
export function opa_builtin_all(x: usize): usize { return all(x); }
export function opa_builtin_any(x: usize): usize { return any(x); }

// arrays, sets, objects
export function opa_builtin_array_concat(a: usize, b: usize): usize { return arrayConcat(a, b); }
export function opa_builtin_array_slice(a: usize, i: usize, j: usize): usize { return arraySlice(a, i, j); }
export function opa_builtin_array_reverse(a: usize): usize { return arrayReverse(a); }
export function opa_builtin_intersection(s: usize): usize { return intersection(s); }
export function opa_builtin_union(s: usize): usize { return union(s); }
export function opa_builtin_set_diff(a: usize, b: usize): usize { return setDiff(a, b); }
export function opa_builtin_object_get(o: usize, k: usize, d: usize): usize { return objectGetOr(o, k, d); }
export function opa_builtin_object_keys(o: usize): usize { return objectKeys(o); }
export function opa_builtin_object_remove(o: usize, k: usize): usize { return objectRemove(o, k); }
export function opa_builtin_object_union(a: usize, b: usize): usize { return objectUnion(a, b); }
export function opa_builtin_object_union_n(a: usize): usize { return objectUnionN(a); }
export function opa_builtin_object_filter(o: usize, k: usize): usize { return objectFilter(o, k); }
export function opa_builtin_object_subset(a: usize, b: usize): usize { return objectSubset(a, b); }
export function opa_builtin_json_filter(o: usize, p: usize): usize { return jsonFilter(o, p); }
export function opa_builtin_json_remove(o: usize, p: usize): usize { return jsonRemove(o, p); }
export function opa_builtin_walk(x: usize): usize { return walk(x); }
/** For the planner: walk(x, [_, v]) iterates this instead, in OPA's order for that case. */
export function opa_builtin_internal_walk_no_path(x: usize): usize { return walkNoPath(x); }
/** For the planner: how a template string prints an embedded value (builtins/template.ts). */
export function opa_builtin_internal_template_value(v: usize): usize { return templateValue(v); }

// strings
export function opa_builtin_concat(d: usize, xs: usize): usize { return concat(d, xs); }
export function opa_builtin_contains(s: usize, t: usize): usize { return contains(s, t); }
export function opa_builtin_endswith(s: usize, t: usize): usize { return endswith(s, t); }
export function opa_builtin_startswith(s: usize, t: usize): usize { return startswith(s, t); }
export function opa_builtin_indexof(s: usize, t: usize): usize { return indexof(s, t); }
export function opa_builtin_lower(s: usize): usize { return lower(s); }
export function opa_builtin_upper(s: usize): usize { return upper(s); }
export function opa_builtin_replace(s: usize, a: usize, b: usize): usize { return replace(s, a, b); }
export function opa_builtin_split(s: usize, d: usize): usize { return split(s, d); }
export function opa_builtin_substring(s: usize, i: usize, n: usize): usize { return substring(s, i, n); }
export function opa_builtin_trim(s: usize, c: usize): usize { return trim(s, c); }
export function opa_builtin_trim_left(s: usize, c: usize): usize { return trimLeft(s, c); }
export function opa_builtin_trim_prefix(s: usize, p: usize): usize { return trimPrefix(s, p); }
export function opa_builtin_trim_right(s: usize, c: usize): usize { return trimRight(s, c); }
export function opa_builtin_trim_space(s: usize): usize { return trimSpace(s); }
export function opa_builtin_trim_suffix(s: usize, p: usize): usize { return trimSuffix(s, p); }
export function opa_builtin_strings_reverse(s: usize): usize { return stringsReverse(s); }
export function opa_builtin_strings_count(s: usize, t: usize): usize { return stringsCount(s, t); }
export function opa_builtin_strings_any_prefix_match(s: usize, p: usize): usize { return anyPrefixMatch(s, p); }
export function opa_builtin_strings_any_suffix_match(s: usize, p: usize): usize { return anySuffixMatch(s, p); }

// matching
export function opa_builtin_glob_match(p: usize, d: usize, s: usize): usize { return globMatch(p, d, s); }
export function opa_builtin_net_cidr_contains(c: usize, x: usize): usize { return cidrContains(c, x); }
export function opa_builtin_net_cidr_contains_matches(c: usize, x: usize): usize { return cidrContainsMatches(c, x); }
export function opa_builtin_regex_match(p: usize, s: usize): usize { return regexMatch(p, s); }
export function opa_builtin_re_match(p: usize, s: usize): usize { return regexMatch(p, s); }
export function opa_builtin_regex_is_valid(p: usize): usize { return regexIsValid(p); }

// time
export function opa_builtin_time_parse_rfc3339_ns(s: usize): usize { return parseRfc3339Ns(s); }

// types
export function opa_builtin_is_number(x: usize): usize { return isNumber(x); }
export function opa_builtin_is_string(x: usize): usize { return isString(x); }
export function opa_builtin_is_boolean(x: usize): usize { return isBoolean(x); }
export function opa_builtin_is_array(x: usize): usize { return isArray(x); }
export function opa_builtin_is_set(x: usize): usize { return isSet(x); }
export function opa_builtin_is_object(x: usize): usize { return isObject(x); }
export function opa_builtin_is_null(x: usize): usize { return isNull(x); }
export function opa_builtin_type_name(x: usize): usize { return typeName(x); }

// bits
export function opa_builtin_bits_and(a: usize, b: usize): usize { return bitsAnd(a, b); }
export function opa_builtin_bits_or(a: usize, b: usize): usize { return bitsOr(a, b); }
export function opa_builtin_bits_xor(a: usize, b: usize): usize { return bitsXor(a, b); }
export function opa_builtin_bits_negate(a: usize): usize { return bitsNegate(a); }
export function opa_builtin_bits_lsh(a: usize, b: usize): usize { return bitsLsh(a, b); }
export function opa_builtin_bits_rsh(a: usize, b: usize): usize { return bitsRsh(a, b); }

// encoding
export function opa_builtin_json_marshal(x: usize): usize { return jsonMarshal(x); }
export function opa_builtin_json_unmarshal(s: usize): usize { return jsonUnmarshal(s); }
export function opa_builtin_json_is_valid(s: usize): usize { return jsonIsValid(s); }
export function opa_builtin_base64_encode(s: usize): usize { return base64Encode(s); }
export function opa_builtin_base64_decode(s: usize): usize { return base64Decode(s); }
export function opa_builtin_base64_is_valid(s: usize): usize { return base64IsValid(s); }
export function opa_builtin_base64url_encode(s: usize): usize { return base64UrlEncode(s); }
export function opa_builtin_base64url_encode_no_pad(s: usize): usize { return base64UrlEncodeNoPad(s); }
export function opa_builtin_base64url_decode(s: usize): usize { return base64UrlDecode(s); }
export function opa_builtin_hex_encode(s: usize): usize { return hexEncode(s); }
export function opa_builtin_hex_decode(s: usize): usize { return hexDecode(s); }
