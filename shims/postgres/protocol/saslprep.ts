/**
 * SASLprep (RFC 4013) as Postgres applies it to SCRAM passwords: ASCII passes unchanged; otherwise map, normalise
 * with NFKC and check; and where the check fails, Postgres uses the password as it is, so this returns it as it is.
 * The server derived its stored key the same way, so the shim must match it exactly for non-ASCII passwords.
 *
 * Approximation, stated so nobody relies on more: "unassigned code point" is judged by the Unicode version of the
 * running JavaScript engine rather than Unicode 3.2, and the bidirectional rule recognises right-to-left text by
 * script (Hebrew, Arabic, Syriac, Thaana, N'Ko) because JavaScript regular expressions cannot test Bidi_Class.
 */

/** Non-ASCII spaces (RFC 3454 C.1.2): mapped to SPACE. */
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/gu;
/** "Commonly mapped to nothing" (RFC 3454 B.1). */
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;
/** Prohibited output (RFC 4013 2.3: C.1.2, C.2.1, C.2.2, C.3 to C.9) and unassigned code points (A.1). */
const PROHIBITED = new RegExp(
  [
    '[\\u00A0\\u1680\\u2000-\\u200B\\u202F\\u205F\\u3000]', // C.1.2
    '[\\u0000-\\u001F\\u007F]', // C.2.1
    '[\\u0080-\\u009F\\u06DD\\u070F\\u180E\\u200C\\u200D\\u2028\\u2029\\u2060-\\u2063\\u206A-\\u206F\\uFEFF\\uFFF9-\\uFFFC\\u{1D173}-\\u{1D17A}]', // C.2.2
    '\\p{Co}', // C.3 private use
    '[\\uFDD0-\\uFDEF]|[\\uFFFE\\uFFFF]|[\\u{1FFFE}\\u{1FFFF}\\u{2FFFE}\\u{2FFFF}\\u{3FFFE}\\u{3FFFF}\\u{4FFFE}\\u{4FFFF}\\u{5FFFE}\\u{5FFFF}\\u{6FFFE}\\u{6FFFF}\\u{7FFFE}\\u{7FFFF}\\u{8FFFE}\\u{8FFFF}\\u{9FFFE}\\u{9FFFF}\\u{AFFFE}\\u{AFFFF}\\u{BFFFE}\\u{BFFFF}\\u{CFFFE}\\u{CFFFF}\\u{DFFFE}\\u{DFFFF}\\u{EFFFE}\\u{EFFFF}\\u{FFFFE}\\u{FFFFF}\\u{10FFFE}\\u{10FFFF}]', // C.4
    '\\p{Cs}', // C.5 surrogates (lone ones; paired ones are code points above U+FFFF)
    '[\\uFFF9-\\uFFFD]', // C.6
    '[\\u2FF0-\\u2FFB]', // C.7
    '[\\u0340\\u0341\\u200E\\u200F\\u202A-\\u202E\\u206A-\\u206F]', // C.8
    '[\\u{E0001}\\u{E0020}-\\u{E007F}]', // C.9
    '\\p{Cn}', // A.1, by the engine's Unicode version
  ].join('|'),
  'u',
);
const RIGHT_TO_LEFT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const LEFT_TO_RIGHT_LETTER = /(?![\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}])\p{L}/u;
const ASCII = /^[\x00-\x7F]*$/;

export function saslprepForPostgres(password: string): string {
  if (ASCII.test(password)) return password;
  const prepared = password.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '').normalize('NFKC');
  if (prepared === '' || PROHIBITED.test(prepared) || !passesBidiRule(prepared)) return password;
  return prepared;
}

/** RFC 3454 section 6: right-to-left text may not mix with left-to-right letters and must start and end with it. */
function passesBidiRule(text: string): boolean {
  if (!RIGHT_TO_LEFT.test(text)) return true;
  const chars = [...text];
  return (
    !LEFT_TO_RIGHT_LETTER.test(text) && RIGHT_TO_LEFT.test(chars[0]!) && RIGHT_TO_LEFT.test(chars[chars.length - 1]!)
  );
}
