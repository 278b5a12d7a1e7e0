// The runtime's native glob.match and net.cidr_contains (rego/runtime/builtins/glob.ts, cidr.ts), called directly
// on the runtime binary. Expected values are OPA's (gobwas/glob and Go's net package semantics).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

type Exports = Record<string, any>;

let call: (name: string, ...args: unknown[]) => boolean | undefined;

/** Instantiates the runtime and returns a caller of opa_builtin_<name> on JSON arguments; the heap is reset after
 * each call, as the SDK does between evaluations. */
function runtimeCaller(module: WebAssembly.Module): typeof call {
  const memory = new WebAssembly.Memory({ initial: 2 });
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      opa_abort: () => {
        throw new Error('opa_abort');
      },
    },
    taskgate: { run_entrypoint: () => 0 },
  });
  const x = instance.exports as Exports;
  const value = (json: unknown): number => {
    const bytes = new TextEncoder().encode(JSON.stringify(json));
    const ptr = x.opa_malloc(bytes.length);
    new Uint8Array(memory.buffer).set(bytes, ptr);
    return x.opa_json_parse(ptr, bytes.length);
  };
  return (name, ...args) => {
    const base = x.opa_heap_ptr_get();
    try {
      const v = x[`opa_builtin_${name.replace(/\./g, '_')}`](...args.map(value));
      if (v === 0) return undefined;
      expect(x.opa_value_type(v)).toBe(2);
      return x.opa_value_is_false(v) === 0;
    } finally {
      x.opa_heap_ptr_set(base);
    }
  };
}

beforeAll(() => {
  execFileSync('make', ['runtime'], { stdio: 'pipe' });
  call = runtimeCaller(new WebAssembly.Module(readFileSync('dist/runtime/runtime.wasm')));
});

const glob = (pattern: unknown, delimiters: unknown, text: unknown) => call('glob.match', pattern, delimiters, text);

describe('glob.match', () => {
  it('keeps * within delimiters and lets ** cross them', () => {
    expect(glob('*.example.org', ['.'], 'www.example.org')).toBe(true);
    expect(glob('*.example.org', ['.'], 'a.b.example.org')).toBe(false);
    expect(glob('**.example.org', ['.'], 'a.b.example.org')).toBe(true);
    expect(glob('/var/backups/**', ['/'], '/var/backups/db/1.tar')).toBe(true);
    expect(glob('/var/backups/*', ['/'], '/var/backups/db/1.tar')).toBe(false);
    expect(glob('systemctl status *', [], 'systemctl status nginx')).toBe(true);
    expect(glob('a*:*', [':', '.'], 'ab:c')).toBe(true);
    expect(glob('a*:*', [':', '.'], 'a.b:c')).toBe(false);
  });

  it('reads delimiters as OPA does: null is none, [] is ["."], a non-single-character string is no delimiter', () => {
    expect(glob('*', null, 'a.b')).toBe(true);
    expect(glob('*', [], 'a.b')).toBe(false);
    expect(glob('*', [''], 'a.b')).toBe(true);
    expect(glob('*', ['.:'], 'a.b:c')).toBe(true);
    expect(glob('?', ['é'], 'é')).toBe(false);
  });

  it('matches ? as one non-delimiter character, counting code points', () => {
    expect(glob('?at', [], 'bat')).toBe(true);
    expect(glob('?at', ['b'], 'bat')).toBe(false);
    expect(glob('?at', [], 'at')).toBe(false);
    expect(glob('é?', null, 'éü')).toBe(true);
    expect(glob('?', null, '日')).toBe(true);
    expect(glob('??', null, '日')).toBe(false);
  });

  it('matches lists and ranges, negated or not, delimiters included', () => {
    expect(glob('[abc]at', [], 'cat')).toBe(true);
    expect(glob('[abc]at', [], 'hat')).toBe(false);
    expect(glob('[!abc]at', [], 'hat')).toBe(true);
    expect(glob('[!abc]at', [], 'cat')).toBe(false);
    expect(glob('[a-c]x', [], 'bx')).toBe(true);
    expect(glob('[!a-c]x', [], 'bx')).toBe(false);
    expect(glob('[!a-c]x', [], 'dx')).toBe(true);
    expect(glob('a[.]b', ['.'], 'a.b')).toBe(true);
    expect(glob('[à-ê]', null, 'é')).toBe(true);
    expect(glob('[\\]]', null, ']')).toBe(true);
    expect(glob('[-]', null, '-')).toBe(true);
    expect(glob('[!!]', null, '!')).toBe(false);
  });

  it('matches alternatives, nested, empty and unclosed', () => {
    expect(glob('{cat,bat,[fr]at}', [], 'rat')).toBe(true);
    expect(glob('{cat,bat,[fr]at}', [], 'at')).toBe(false);
    expect(glob('{x,y[0-9]}z', [], 'y5z')).toBe(true);
    expect(glob('{a,{b,c}d}', null, 'cd')).toBe(true);
    expect(glob('{a,{b,c}d}', null, 'ad')).toBe(false);
    expect(glob('x{,y}', null, 'x')).toBe(true);
    expect(glob('x{}', null, 'x')).toBe(true);
    // gobwas closes a group left open at the end of the pattern.
    expect(glob('{a,b', null, 'b')).toBe(true);
    expect(glob('{a,{b,c}d', null, 'cd')).toBe(true);
  });

  it('treats , } ] as text where they have no meaning, and \\ as an escape', () => {
    expect(glob('a,b}', null, 'a,b}')).toBe(true);
    expect(glob('a]', null, 'a]')).toBe(true);
    expect(glob('\\*', null, '*')).toBe(true);
    expect(glob('\\*', null, 'x')).toBe(false);
    expect(glob('{a\\,b,c}', null, 'a,b')).toBe(true);
    expect(glob('a\\', null, 'a')).toBe(true);
    expect(glob('', null, '')).toBe(true);
    expect(glob('', null, 'a')).toBe(false);
  });

  it('is undefined for patterns gobwas rejects', () => {
    for (const pattern of ['[]', '[!]', '[abc', '[a-', '[a-z', '[z-a]', '[a-cd]', 'x[\\', '[a-]']) {
      expect(glob(pattern, null, 'a'), pattern).toBeUndefined();
    }
  });

  it('is undefined for arguments of the wrong type', () => {
    expect(glob(1, null, 'a')).toBeUndefined();
    expect(glob('a', 'a', 'a')).toBeUndefined();
    expect(glob('a', [1], 'a')).toBeUndefined();
    expect(glob('a', null, 1)).toBeUndefined();
  });

  it('stays linear on patterns that make backtracking matchers exponential', () => {
    const started = performance.now();
    expect(glob('*a*a*a*a*a*a*a*a*b', ['.'], 'a'.repeat(20000))).toBe(false);
    expect(glob('**a**a**a**a**a**a**b', null, 'a'.repeat(20000))).toBe(false);
    expect(glob('{*a,*b}{*a,*b}{*a,*b}{*a,*b}{*a,*b}c', null, 'ab'.repeat(10000))).toBe(false);
    expect(glob('*a*a*a*a*a*a*a*a*b', ['.'], `${'a'.repeat(20000)}b`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

const contains = (cidr: unknown, other: unknown) => call('net.cidr_contains', cidr, other);

describe('glob.match across evaluations', () => {
  // Compiled patterns are kept across heap resets; a kept pattern must only ever answer for its own bytes.
  const cases: Array<[string, string[] | null, string, boolean]> = [
    ['public.*', ['.'], 'public.orders', true],
    ['public.*', ['.'], 'public.a.b', false],
    ['public.*', null, 'public.a.b', true],
    ['public.*', ['/'], 'public.a.b', true],
    ['public.*', ['/', '.'], 'public.a.b', false],
    ['public.?', ['.'], 'public.x', true],
    ['public.x', ['.'], 'public.?', false],
  ];

  it('answers each pattern and delimiter list for itself, however often they come back', () => {
    for (let round = 0; round < 3; round++) {
      for (const [pattern, delimiters, text, expected] of cases) expect(glob(pattern, delimiters, text)).toBe(expected);
    }
  });

  it('stays right after more distinct patterns than its memory holds', () => {
    for (let i = 0; i < 3000; i++) {
      const pattern = `schema_${i}.table_*`;
      expect(glob(pattern, ['.'], `schema_${i}.table_x`)).toBe(true);
      expect(glob(pattern, ['.'], `schema_${i + 1}.table_x`)).toBe(false);
    }
    for (const [pattern, delimiters, text, expected] of cases) expect(glob(pattern, delimiters, text)).toBe(expected);
  });
});

describe('net.cidr_contains', () => {
  it('compares IPv4 networks and addresses', () => {
    expect(contains('10.0.0.0/8', '10.20.0.0/16')).toBe(true);
    expect(contains('10.0.0.0/16', '10.0.0.0/8')).toBe(false);
    expect(contains('10.0.0.0/8', '10.255.255.255')).toBe(true);
    expect(contains('10.0.0.0/8', '11.0.0.0')).toBe(false);
    expect(contains('10.1.2.3/8', '10.9.9.9/32')).toBe(true);
    expect(contains('0.0.0.0/0', '255.255.255.255')).toBe(true);
    expect(contains('192.168.1.0/28', '192.168.1.15')).toBe(true);
    expect(contains('192.168.1.0/28', '192.168.1.16')).toBe(false);
  });

  it('compares IPv6, with the :: and dotted-quad forms', () => {
    expect(contains('fd00::/8', 'fd12::1')).toBe(true);
    expect(contains('2001:db8::/32', '2001:db8:ffff::/48')).toBe(true);
    expect(contains('2001:db8::/48', '2001:db8::/32')).toBe(false);
    expect(contains('::/0', '::1')).toBe(true);
    expect(contains('1:2:3:4:5:6:7::/128', '1:2:3:4:5:6:7:0')).toBe(true);
    expect(contains('::1.2.3.4/128', '::102:304')).toBe(true);
  });

  it('treats IPv4-mapped IPv6 addresses as Go does', () => {
    expect(contains('10.0.0.0/8', '::ffff:10.1.2.3')).toBe(true);
    expect(contains('::ffff:10.0.0.0/104', '10.1.2.3')).toBe(true);
    // A mask shorter than the ::ffff: prefix leaves an IPv6 network that no IPv4 address is in.
    expect(contains('::ffff:0.0.0.0/80', '10.1.2.3')).toBe(false);
    expect(contains('::/0', '1.2.3.4')).toBe(false);
    expect(contains('0.0.0.0/0', '::1')).toBe(false);
  });

  it('is undefined for text Go does not parse', () => {
    for (const [cidr, other] of [
      ['10.0.0.0/8', 'not-a-cidr'],
      ['10.0.0.1', '10.0.0.1'],
      ['010.0.0.0/8', '10.0.0.1'],
      ['10.0.0.0/33', '10.0.0.1'],
      ['10.0.0.0/', '10.0.0.1'],
      ['10.0.0.0/8', '10.0.0.1/8/9'],
      ['10.0.0.256/8', '10.0.0.1'],
      ['fe80::/10', 'fe80::1%eth0'],
      ['1::2::/16', '1::'],
      ['1:2:3:4:5:6:7:8::/16', '1::'],
      ['::12345/16', '::'],
      ['1:2:3:4:5:6:1.2.3.4:8/16', '1::'],
      [10, '10.0.0.1'],
      ['10.0.0.0/8', null],
    ]) {
      expect(contains(cidr, other), `${cidr} ${other}`).toBeUndefined();
    }
  });
});

const re = (pattern: unknown, text: unknown) => call('regex.match', pattern, text);
const valid = (pattern: unknown) => call('regex.is_valid', pattern);

describe('regex.match', () => {
  it('searches anywhere unless anchored', () => {
    expect(re('b+', 'abbc')).toBe(true);
    expect(re('^b+', 'abbc')).toBe(false);
    expect(re('', 'x')).toBe(true);
    expect(re('^$', '')).toBe(true);
    expect(re('^$', 'x')).toBe(false);
    expect(re('^[A-Za-z0-9_./:@%+=,-]+$', 'a/b.c')).toBe(true);
    expect(re('^[A-Za-z0-9_./:@%+=,-]+$', "it's")).toBe(false);
    expect(call('re_match', 'x', 'axb')).toBe(true);
  });

  it('gives . ^ $ \\A \\z \\b \\B their RE2 meanings, with the m and s flags', () => {
    expect([re('^a.b$', 'a\rb'), re('^a.b$', 'a\nb'), re('(?s)^a.b$', 'a\nb')]).toEqual([true, false, true]);
    expect([re('^b$', 'a\nb'), re('(?m)^b$', 'a\nb\nc'), re('^abc$', 'abc\n')]).toEqual([false, true, false]);
    expect([re('\\Aab\\z', 'ab'), re('\\Aab\\z', 'ab\n'), re('(?m)\\Ab', 'a\nb')]).toEqual([true, false, false]);
    expect([re('\\bfoo\\b', 'a foo.'), re('\\bfoo\\b', 'afoo'), re('\\Boo', 'foo')]).toEqual([true, false, true]);
  });

  it('applies case folding where the flags say, including classes and Unicode orbits', () => {
    expect([re('a(?i)b', 'aB'), re('a(?i)b', 'AB')]).toEqual([true, false]);
    expect([re('^(?i:ab)c$', 'ABc'), re('^(?i:ab)c$', 'ABC')]).toEqual([true, false]);
    expect([re('^(?i)a(?-i)b$', 'Ab'), re('^(?i)a(?-i)b$', 'AB')]).toEqual([true, false]);
    expect([re('^x(?i)[a-c]$', 'xB'), re('^x(?i)[a-c]$', 'xD')]).toEqual([true, false]);
    expect([re('(?i)k', '\u212a'), re('(?i)s', '\u017f'), re('(?i)é', 'É')]).toEqual([true, true, true]);
    expect([re('(?i)[^k]', 'K'), re('(?i)\\P{Lu}', 'ABC')]).toEqual([false, false]);
  });

  it('matches classes: Perl, POSIX, Unicode, negated, ranges and escapes', () => {
    expect([re('^\\d+$', '123'), re('\\d', '\u0663'), re('\\p{Nd}', '\u0663')]).toEqual([true, false, true]);
    expect([re('^\\w+$', 'a_1'), re('\\W', 'é'), re('^\\s$', '\t'), re('\\S', ' ')])
      .toEqual([true, true, true, false]);
    expect([re('^[[:alpha:]]+$', 'abc'), re('[[:^alpha:]]', 'abc'), re('[[:digit:][:upper:]]', 'x')])
      .toEqual([true, false, false]);
    expect([re('^\\pL+$', 'héllo'), re('^\\p{Greek}+$', 'αβγ'), re('\\p{^L}', 'abc'), re('\\PL', 'ab1')])
      .toEqual([true, true, false, true]);
    // Names as Go 1.25 looks them up: canonically, with Unicode's long category names, Any, ASCII, Assigned.
    expect([re('\\p{greek}', 'α'), re('\\p{Letter}', 'a'), re('\\p{Cased_Letter}', 'ª')])
      .toEqual([true, true, false]);
    expect(re('\\p{Assigned}', '\u0378')).toBe(false);
    expect([re('\\p{Cn}', '\u0378'), re('\\p{C}', '\u0378'), re('\\p{ASCII}', 'é'), re('(?i)\\p{ascii}', '\u212a')])
      .toEqual([true, true, false, true]);
    expect([re('[^a]', '\n'), re('[]a]', ']'), re('[a-]', '-'), re('[\\d-z]', '-')]).toEqual([true, true, true, true]);
    expect([re('\\x41\\x{42}\\101\\.', 'ABA.'), re('\\Qa.b\\E', 'axb'), re('\\Qa.b\\E', 'a.b')])
      .toEqual([true, false, true]);
  });

  it('repeats, groups and alternates', () => {
    expect([re('^a{2,3}$', 'aa'), re('^a{2,3}$', 'aaaa'), re('^a{2,}$', 'aaaaa'), re('^a{2}$', 'aaa')])
      .toEqual([true, false, true, false]);
    expect([re('a{,3}', 'a{,3}'), re('a{01}', 'a{01}')]).toEqual([true, true]);
    expect([re('^(a|bc)*d$', 'abcad'), re('^(?:a|bc)+?d$', 'd'), re('^(?P<x>a)(?<y>b)?$', 'a')])
      .toEqual([true, false, true]);
    expect([re('^(a*)*$', 'aaa'), re('^()*$', ''), re('^(?U)a+$', 'aa'), re('x|', 'y')])
      .toEqual([true, true, true, true]);
  });

  it('stays linear on patterns that make backtracking matchers exponential', () => {
    const started = performance.now();
    expect(re('(a+)+b', 'a'.repeat(20000))).toBe(false);
    expect(re('(x+x+)+y', 'x'.repeat(20000))).toBe(false);
    expect(re('^(a|a?)+$', `${'a'.repeat(20000)}b`)).toBe(false);
    expect(re('(a*)*(b*)*(c*)*d', 'abc'.repeat(5000))).toBe(false);
    expect(re('(.*a){20}', 'a'.repeat(5000))).toBe(true);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('is undefined for invalid patterns and non-string arguments', () => {
    expect(re('$^[[[', 'x')).toBeUndefined();
    expect(re('(?=a)', 'a')).toBeUndefined();
    expect(re(1, 'a')).toBeUndefined();
    expect(re('a', 1)).toBeUndefined();
  });
});

describe('regex.is_valid', () => {
  it('accepts what Go accepts', () => {
    for (const pattern of [
      '', 'a*?', 'a(?i)*', '()*', '^*', '\\b+', '(a{10}){100}', 'x{1000}', '[]a]', '[a-]', '\\12', '\\_', '(?)',
      '(?i-s)', '(?i-s:a)', '(?U)a+', '(?:)', 'a|', '(?P<n>a)(?P<n>b)', '\\Q', 'a\\Q\\E*', '\\p{Any}', '\\pN',
      '\\P{^Greek}', '[\\p{Lu}\\d]', '\\p{old italic}', '\\p{Decimal-Number}', '\\x{10FFFF}',
      '{', 'a{', 'a{1', 'a{1,', '}', `${'('.repeat(999)}${')'.repeat(999)}`,
      `${'(?:'.repeat(2000)}a${')'.repeat(2000)}`,
    ]) {
      expect(valid(pattern), pattern).toBe(true);
    }
  });

  it('rejects what Go rejects, and anything but a string', () => {
    for (const pattern of [
      '(', ')', 'a)', '(a', '*', '++', 'a**', 'a*+', 'a+?*', '(?i)*', '|*', 'a{2}{3}', 'a{2}*', 'a{1001}', 'a{2,1}',
      '(a{100}){100}', '(a{3}){334}', '[]', '[a', '[z-a]', '[a-\\d]', '[[:foo:]]', '[[:alpha:]', '\\1', '\\8',
      '\\C', '\\Z', '\\e', '\\', '\\p{Foo}', '\\p{Greek', '\\pX', '\\p', '(?P<>a)', '(?P<n', '(?P=n)', '(?=a)',
      '(?!a)', '(?<=a)', '(?<!a)', '(?-)', '(?i-)', '(?x)', '\\x{110000}', '\\x{}', '\\xg0', '\\x4',
      `${'('.repeat(1000)}${')'.repeat(1000)}`,
      `${'(?:'.repeat(2001)}${')'.repeat(2001)}`,
    ]) {
      expect(valid(pattern), pattern).toBe(false);
    }
    expect(valid(17)).toBe(false);
    expect(valid(null)).toBe(false);
  });
});
