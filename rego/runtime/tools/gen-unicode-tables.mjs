// Writes rego/runtime/builtins/unicode_tables.ts: the code point ranges of the Unicode classes Go's regexp accepts
// in \p{...} (unicode.Categories, unicode.Scripts and unicode.CategoryAliases as of Go 1.25, under Go's canonical
// lookup names), taken from Node's own Unicode data through its regular expressions. Run with
// `node rego/runtime/tools/gen-unicode-tables.mjs` when Node's Unicode version changes.
import { writeFileSync } from 'node:fs';

// Go's category names (C includes Cn, unassigned, since Go 1.25, as in Unicode).
const CATEGORIES = {
  C: ['Cc', 'Cf', 'Cn', 'Co', 'Cs'],
  L: ['Ll', 'Lm', 'Lo', 'Lt', 'Lu'],
  M: ['Mc', 'Me', 'Mn'],
  N: ['Nd', 'Nl', 'No'],
  P: ['Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps'],
  S: ['Sc', 'Sk', 'Sm', 'So'],
  Z: ['Zl', 'Zp', 'Zs'],
};

// Unicode's long names for the categories (unicode.CategoryAliases).
const ALIASES = {
  Other: 'C', Control: 'Cc', cntrl: 'Cc', Format: 'Cf', Unassigned: 'Cn', Private_Use: 'Co', Surrogate: 'Cs',
  Letter: 'L', Cased_Letter: 'LC', Lowercase_Letter: 'Ll', Modifier_Letter: 'Lm', Other_Letter: 'Lo',
  Titlecase_Letter: 'Lt', Uppercase_Letter: 'Lu', Mark: 'M', Combining_Mark: 'M', Spacing_Mark: 'Mc',
  Enclosing_Mark: 'Me', Nonspacing_Mark: 'Mn', Number: 'N', Decimal_Number: 'Nd', digit: 'Nd', Letter_Number: 'Nl',
  Other_Number: 'No', Punctuation: 'P', punct: 'P', Connector_Punctuation: 'Pc', Dash_Punctuation: 'Pd',
  Close_Punctuation: 'Pe', Final_Punctuation: 'Pf', Initial_Punctuation: 'Pi', Other_Punctuation: 'Po',
  Open_Punctuation: 'Ps', Symbol: 'S', Currency_Symbol: 'Sc', Modifier_Symbol: 'Sk', Math_Symbol: 'Sm',
  Other_Symbol: 'So', Separator: 'Z', Line_Separator: 'Zl', Paragraph_Separator: 'Zp', Space_Separator: 'Zs',
};

/** Go's canonicalName: separators (_ - space) dropped, the first letter upper case and the rest lower case. */
function canonicalName(name) {
  const letters = name.replace(/[_\- ]/g, '');
  return letters.charAt(0).toUpperCase() + letters.slice(1).toLowerCase();
}

// Go's script names (Unicode 15.0, as Go's unicode package has them; "Unknown" is not one).
const SCRIPTS = `Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali
Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee
Chorasmian Common Coptic Cuneiform Cypriot Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan
Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi
Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inherited Inscriptional_Pahlavi
Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi Khitan_Small_Script Khmer Khojki
Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean
Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian
Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki
Old_Hungarian Old_Italic Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur
Oriya Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan
Saurashtra Sharada Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac
Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Toto
Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square`.split(/\s+/);

/** Every code point but the surrogates, in order, as one string. */
function allCodePoints() {
  const parts = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) parts.push(String.fromCodePoint(cp));
  return parts.join('');
}

/** Inclusive [lo, hi] runs of the code points that a one-character class matches. */
function ranges(text, classSource) {
  const out = [];
  for (const m of text.matchAll(new RegExp(`${classSource}+`, 'gu'))) {
    const cps = [...m[0]].map((ch) => ch.codePointAt(0));
    out.push([cps[0], cps[cps.length - 1]]);
  }
  // The surrogates are not in the text; Cs is exactly them.
  if (classSource.includes('\\p{Cs}')) out.push([0xd800, 0xdfff]);
  return out.sort((a, b) => a[0] - b[0]);
}

const text = allCodePoints();
const tables = [];
for (const [one, twos] of Object.entries(CATEGORIES)) {
  tables.push([one, ranges(text, `[${twos.map((t) => `\\p{${t}}`).join('')}]`)]);
  for (const two of twos) tables.push([two, ranges(text, `\\p{${two}}`)]);
}
tables.push(['LC', ranges(text, '[\\p{Lu}\\p{Ll}\\p{Lt}]')]);
for (const script of SCRIPTS) tables.push([script, ranges(text, `\\p{Script=${script}}`)]);

const flat = [];
const index = [];
const spans = new Map();
for (const [name, rs] of tables) {
  spans.set(name, [flat.length / 2, rs.length]);
  index.push([canonicalName(name), ...spans.get(name)]);
  for (const [lo, hi] of rs) flat.push(lo, hi);
}
for (const [alias, name] of Object.entries(ALIASES)) index.push([canonicalName(alias), ...spans.get(name)]);
if (new Set(index.map(([n]) => n)).size !== index.length) throw new Error('two classes share a canonical name');

const lines = [];
const hex = (n) => `0x${n.toString(16)}`;
for (let i = 0; i < flat.length; i += 16) lines.push(`  ${flat.slice(i, i + 16).map(hex).join(', ')},`);
const source = `// Generated by rego/runtime/tools/gen-unicode-tables.mjs from Node's Unicode data
// (Unicode ${process.versions.unicode}); do not edit.
// The ranges of the classes regex.match accepts in \\p{...}: Go's categories and scripts.

const RANGES = memory.data<u32>([
${lines.join('\n')}
]);

// Canonical names (Go's canonicalName), and for each its first range and range count.
const NAMES = "${index.map(([n]) => n).join(',')}";
const SPANS = memory.data<u32>([${index.map(([, at, n]) => `${at}, ${n}`).join(', ')}]);

/** The ranges of a class by its canonical name (the bytes at p, n long): pointer in the low 32 bits, range count
 * above; 0 when Go does not know the name. */
export function unicodeClass(p: usize, n: usize): u64 {
  let entry = 0;
  let start = 0;
  for (let i = 0; i <= NAMES.length; i++) {
    if (i < NAMES.length && NAMES.charCodeAt(i) != 0x2c) continue;
    if (<usize>(i - start) == n) {
      let same = true;
      for (let k = 0; k < <i32>n && same; k++) same = <u32>load<u8>(p + <usize>k) == <u32>NAMES.charCodeAt(start + k);
      if (same) {
        const span = SPANS + (<usize>entry << 3);
        return (<u64>load<u32>(span, 4) << 32) | <u64>(RANGES + (<usize>load<u32>(span) << 3));
      }
    }
    entry++;
    start = i + 1;
  }
  return 0;
}

/** Cn, whose complement is \\p{Assigned}. */
export function unassignedClass(): u64 {
  return (<u64>${spans.get('Cn')[1]} << 32) | <u64>(RANGES + ${spans.get('Cn')[0] * 8});
}
`;
writeFileSync(new URL('../builtins/unicode_tables.ts', import.meta.url), source);
console.log(`${tables.length} classes, ${flat.length / 2} ranges`);
