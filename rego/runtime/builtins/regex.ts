// regex.match (re_match) and regex.is_valid: the pattern is parsed with RE2's rules (regex_syntax.ts), compiled
// to an NFA (nfa.ts) and searched for in one pass, so no pattern backtracks.

import { makeBool, stringData, stringLen } from "../value";
import { isString } from "./args";
import {
  N_ALT, N_ASSERT, N_CLASS, N_CONCAT, N_PLUS, N_QUEST, N_REPEAT, N_STAR, Node, parseRegex,
} from "./regex_syntax";
import {
  CLASS_NEGATED, CLASS_SORTED, OP_ASSERT, OP_CLASS, OP_JMP, OP_MATCH, OP_SPLIT, Program, emit, newProgram, runProgram,
  setX, setY, xAt,
} from "./nfa";

// Go refuses programs beyond this many instructions ("expression too large"); the count here approximates its.
const MAX_PROGRAM: u32 = 3355443;

function child(n: Node): Node {
  return changetype<Node>(n.first);
}

/** Emits n; false when the program grows past the limit. */
function compileNode(p: Program, n: Node): bool {
  if (p.len > MAX_PROGRAM) return false;
  const op = n.op;
  if (op == N_CLASS) {
    emit(p, OP_CLASS, <u32>n.ranges.ptr, n.ranges.len, CLASS_SORTED | (n.negated ? CLASS_NEGATED : 0));
  } else if (op == N_ASSERT) {
    emit(p, OP_ASSERT, n.kind, 0, 0);
  } else if (op == N_CONCAT) {
    for (let c = n.first; c != null; c = changetype<Node>(c).next) {
      if (!compileNode(p, changetype<Node>(c))) return false;
    }
  } else if (op == N_ALT) {
    return compileAlternation(p, n);
  } else if (op == N_STAR) {
    return compileStar(p, child(n));
  } else if (op == N_PLUS) {
    const start = p.len;
    if (!compileNode(p, child(n))) return false;
    emit(p, OP_SPLIT, start, p.len + 1, 0);
  } else if (op == N_QUEST) {
    return compileQuest(p, child(n));
  } else if (op == N_REPEAT) {
    return compileRepeat(p, child(n), n.min, n.max);
  }
  return true;
}

function compileAlternation(p: Program, n: Node): bool {
  if (n.first == n.last) return compileNode(p, child(n));
  // split(branch, next split) per branch but the last; every branch jumps to the end, patched afterwards.
  let exits: u32 = 0xffffffff;
  for (let c = n.first; c != null; c = changetype<Node>(c).next) {
    const branch = changetype<Node>(c);
    if (branch.next == null) {
      if (!compileNode(p, branch)) return false;
      break;
    }
    const split = emit(p, OP_SPLIT, p.len + 1, 0, 0);
    if (!compileNode(p, branch)) return false;
    exits = emit(p, OP_JMP, exits, 0, 0);
    setY(p, split, p.len);
  }
  const out = p.len;
  while (exits != 0xffffffff) {
    const chained = xAt(p, exits);
    setX(p, exits, out);
    exits = chained;
  }
  return true;
}

function compileStar(p: Program, body: Node): bool {
  const loop = emit(p, OP_SPLIT, p.len + 1, 0, 0);
  if (!compileNode(p, body)) return false;
  emit(p, OP_JMP, loop, 0, 0);
  setY(p, loop, p.len);
  return true;
}

function compileQuest(p: Program, body: Node): bool {
  const split = emit(p, OP_SPLIT, p.len + 1, 0, 0);
  if (!compileNode(p, body)) return false;
  setY(p, split, p.len);
  return true;
}

/** x{min,max} as min copies of x, then x* (unbounded) or max - min optional copies: the same language. */
function compileRepeat(p: Program, body: Node, min: i32, max: i32): bool {
  for (let i = 0; i < min; i++) if (!compileNode(p, body)) return false;
  if (max < 0) return compileStar(p, body);
  for (let i = min; i < max; i++) if (!compileQuest(p, body)) return false;
  return true;
}

function compileRegex(pattern: usize): Program | null {
  const tree = parseRegex(stringData(pattern), <usize>stringLen(pattern));
  if (tree == null) return null;
  const p = newProgram();
  if (!compileNode(p, tree) || p.len > MAX_PROGRAM) return null;
  emit(p, OP_MATCH, 0, 0, 0);
  return p;
}

export function regexMatch(pattern: usize, value: usize): usize {
  if (!isString(pattern) || !isString(value)) return 0;
  const program = compileRegex(pattern);
  if (program == null) return 0;
  return makeBool(runProgram(program, stringData(value), <usize>stringLen(value), false));
}

/** false for anything but a string that Go's regexp accepts (OPA does not make a bad operand undefined here). */
export function regexIsValid(pattern: usize): usize {
  if (pattern == 0) return 0;
  return makeBool(isString(pattern) && compileRegex(pattern) != null);
}
