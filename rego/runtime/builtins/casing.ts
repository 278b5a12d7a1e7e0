// Simple (one code point to one code point) case mapping, as Go's unicode.ToUpper/ToLower do, for the scripts
// policies meet in practice: Latin (ASCII, Latin-1, Extended-A, Extended Additional), Greek, Cyrillic,
// Armenian and fullwidth Latin. Code points outside these ranges are left unchanged.

/** Ranges where upper and lower case alternate: the even code point upper (or the odd one when oddUpper). */
function alternating(cp: u32, lo: u32, hi: u32, oddUpper: bool, toUpper: bool): i64 {
  if (cp < lo || cp > hi) return -1;
  const isUpper = ((cp & 1) == 1) == oddUpper;
  if (isUpper == toUpper) return cp;
  // Each pair is (upper, lower) in code point order.
  return toUpper ? cp - 1 : cp + 1;
}

/** Ranges where a block of capitals sits at a fixed distance below its small letters. */
function shifted(cp: u32, upperLo: u32, upperHi: u32, delta: u32, toUpper: bool): i64 {
  if (toUpper && cp >= upperLo + delta && cp <= upperHi + delta) return cp - delta;
  if (!toUpper && cp >= upperLo && cp <= upperHi) return cp + delta;
  return -1;
}

function special(cp: u32, toUpper: bool): i64 {
  if (toUpper) {
    if (cp == 0xb5) return 0x39c;
    if (cp == 0xff) return 0x178;
    if (cp == 0x131) return 0x49;
    if (cp == 0x17f) return 0x53;
    if (cp == 0x3c2) return 0x3a3;
    if (cp == 0x3ac) return 0x386;
    if (cp == 0x3cc) return 0x38c;
    if (cp >= 0x3ad && cp <= 0x3af) return cp - 37;
    if (cp >= 0x3cd && cp <= 0x3ce) return cp - 63;
  } else {
    if (cp == 0x178) return 0xff;
    if (cp == 0x130) return 0x69;
    if (cp == 0x386) return 0x3ac;
    if (cp == 0x38c) return 0x3cc;
    if (cp >= 0x388 && cp <= 0x38a) return cp + 37;
    if (cp >= 0x38e && cp <= 0x38f) return cp + 63;
  }
  return -1;
}

export function mapCase(cp: u32, toUpper: bool): u32 {
  if (cp < 0x80) {
    if (toUpper && cp >= 97 && cp <= 122) return cp - 32;
    if (!toUpper && cp >= 65 && cp <= 90) return cp + 32;
    return cp;
  }
  let r = special(cp, toUpper);
  if (r >= 0) return <u32>r;
  // Latin-1: À-Þ / à-þ, except the multiplication and division signs.
  if (cp != 0xd7 && cp != 0xf7) {
    r = shifted(cp, 0xc0, 0xde, 32, toUpper);
    if (r >= 0) return <u32>r;
  }
  if (cp >= 0x100 && cp <= 0x137) return <u32>alternating(cp, 0x100, 0x137, false, toUpper);
  if (cp >= 0x139 && cp <= 0x148) return <u32>alternating(cp, 0x139, 0x148, true, toUpper);
  if (cp >= 0x14a && cp <= 0x177) return <u32>alternating(cp, 0x14a, 0x177, false, toUpper);
  if (cp >= 0x179 && cp <= 0x17e) return <u32>alternating(cp, 0x179, 0x17e, true, toUpper);
  if (cp != 0x3a2) {
    r = shifted(cp, 0x391, 0x3ab, 32, toUpper);
    if (r >= 0) return <u32>r;
  }
  r = shifted(cp, 0x410, 0x42f, 32, toUpper);
  if (r >= 0) return <u32>r;
  r = shifted(cp, 0x400, 0x40f, 80, toUpper);
  if (r >= 0) return <u32>r;
  if (cp >= 0x460 && cp <= 0x481) return <u32>alternating(cp, 0x460, 0x481, false, toUpper);
  if (cp >= 0x48a && cp <= 0x4bf) return <u32>alternating(cp, 0x48a, 0x4bf, false, toUpper);
  r = shifted(cp, 0x531, 0x556, 48, toUpper);
  if (r >= 0) return <u32>r;
  if (cp >= 0x1e00 && cp <= 0x1e95) return <u32>alternating(cp, 0x1e00, 0x1e95, false, toUpper);
  if (cp >= 0x1ea0 && cp <= 0x1eff) return <u32>alternating(cp, 0x1ea0, 0x1eff, false, toUpper);
  r = shifted(cp, 0xff21, 0xff3a, 32, toUpper);
  if (r >= 0) return <u32>r;
  return cp;
}
