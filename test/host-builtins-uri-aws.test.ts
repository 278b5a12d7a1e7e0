import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hostBuiltins } from '../rego/builtins/host/index.js';

const call = (name: string, ...args: unknown[]): unknown => {
  const fn = hostBuiltins[name];
  if (!fn) throw new Error(`no host builtin ${name}`);
  return fn(...args);
};

describe('uri.parse', () => {
  const parse = (text: string) => call('uri.parse', text);

  it('splits a URL as Go net/url does, leaving out empty parts', () => {
    expect(parse('HTTPS://user:pw@api.example.org:8443/v1/items?limit=5&x=%20#sec%202')).toEqual({
      scheme: 'https',
      hostname: 'api.example.org',
      port: '8443',
      path: '/v1/items',
      raw_path: '/v1/items',
      raw_query: 'limit=5&x=%20',
      fragment: 'sec 2',
    });
    expect(parse('//cdn.example.org')).toEqual({ hostname: 'cdn.example.org' });
    expect(parse('relative/path')).toEqual({ path: 'relative/path', raw_path: 'relative/path' });
    expect(parse('urn:isbn:0451450523')).toEqual({ scheme: 'urn' });
    expect(parse('')).toEqual({});
  });

  it('reports IPv6 hosts without brackets', () => {
    expect(parse('http://[fe80::1%25eth0]:80/')).toMatchObject({ hostname: 'fe80::1%eth0', port: '80' });
    expect(parse('http://[2001:db8::7]')).toEqual({ scheme: 'http', hostname: '2001:db8::7' });
  });

  it('keeps the escaped path as written when it is a valid escaping, else escapes it canonically', () => {
    expect(parse('/a%2Fb/c%41')).toEqual({ path: '/a/b/cA', raw_path: '/a%2Fb/c%41' });
    expect(parse('/a b/é')).toEqual({ path: '/a b/é', raw_path: '/a%20b/%C3%A9' });
    expect(parse('/tilde~/$plus+')).toEqual({ path: '/tilde~/$plus+', raw_path: '/tilde~/$plus+' });
  });

  it('rejects what Go rejects', () => {
    const bad: Array<[string, RegExp]> = [
      ['http://[::1', /missing '\]' in host/],
      ['http://host:80x/', /invalid port ":80x" after host/],
      ['http://exa%6Dple.com/', /invalid URL escape "%6D"/],
      ['http://a b.com/', /invalid character " " in host name/],
      ['/bad%zz', /invalid URL escape "%zz"/],
      [':nothing', /missing protocol scheme/],
      ['1a:b/c:d', /first path segment in URL cannot contain colon/],
      ['http://x/\u0001', /invalid control character/],
      ['http://us er@host/', /invalid userinfo/],
      ['http://[not-ip]/', /invalid IPv6 host/],
    ];
    for (const [text, message] of bad) expect(() => parse(text), text).toThrow(message);
  });

  it('requires a string', () => {
    expect(() => call('uri.parse', 3)).toThrow('uri.parse: operand 1 must be string but got number');
  });
});

describe('uri.is_valid', () => {
  it('is true for what uri.parse accepts, except the empty string', () => {
    expect(call('uri.is_valid', 'mailto:someone@example.org')).toBe(true);
    expect(call('uri.is_valid', 'http://example.org/with space')).toBe(true);
    expect(call('uri.is_valid', '')).toBe(false);
    expect(call('uri.is_valid', 'http://example.org:port/')).toBe(false);
    expect(call('uri.is_valid', ['http://example.org'])).toBe(false);
  });
});

describe('array.flatten', () => {
  it('spreads nested arrays one level', () => {
    expect(call('array.flatten', [['a'], 'b', [], [['c'], { d: [1] }]])).toEqual(['a', 'b', ['c'], { d: [1] }]);
    expect(call('array.flatten', [])).toEqual([]);
  });

  it('requires an array', () => {
    expect(() => call('array.flatten', { a: [1] })).toThrow('array.flatten: operand 1 must be array but got object');
  });
});

describe('providers.aws.sign_req', () => {
  // AWS's published Signature Version 4 example (the "get-vanilla" request of its test suite).
  const vanillaConfig = {
    aws_access_key: 'AKIDEXAMPLE',
    aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    aws_service: 'service',
    aws_region: 'us-east-1',
  };
  const vanillaTime = Date.UTC(2015, 7, 30, 12, 36, 0) * 1e6;
  const sign = (request: unknown, config: unknown = vanillaConfig, time: unknown = vanillaTime) =>
    call('providers.aws.sign_req', request, config, time) as { headers: Record<string, string> } & Record<string, unknown>;

  it("matches AWS's published signature", () => {
    const signed = sign({ method: 'GET', url: 'https://example.amazonaws.com/' });
    expect(signed).toEqual({
      method: 'GET',
      url: 'https://example.amazonaws.com/',
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        Authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,' +
          'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      },
    });
  });

  it('adds the payload hash for S3 and the session token when there is one', () => {
    const config = { ...vanillaConfig, aws_service: 's3', aws_session_token: 'TOKEN' };
    const body = { b: [1, 2], a: '<&>' };
    const signed = sign({ method: 'PUT', url: 'https://bucket.s3.amazonaws.com/key', body }, config);
    // The body is hashed as Go's encoding/json writes it: keys sorted, HTML characters escaped.
    const goJson = '{"a":"\\u003c\\u0026\\u003e","b":[1,2]}';
    expect(signed.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(goJson).digest('hex'));
    expect(signed.headers['x-amz-security-token']).toBe('TOKEN');
    expect(signed.headers.Authorization).toContain('SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,');
    expect(signed.body).toEqual(body);
  });

  it('signs raw_body rather than body, or nothing when payload signing is off', () => {
    const config = { ...vanillaConfig, aws_service: 's3' };
    const raw = sign({ method: 'POST', url: 'https://h/', raw_body: 'abc', body: { x: 1 } }, config);
    expect(raw.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('abc').digest('hex'));
    const unsigned = sign({ method: 'POST', url: 'https://h/', raw_body: 'abc' }, { ...config, disable_payload_signing: true });
    expect(unsigned.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(unsigned.headers.Authorization).not.toBe(raw.headers.Authorization);
  });

  it("signs the request's headers, lower-cased, except those a proxy may change", () => {
    const signed = sign({
      method: 'GET',
      url: 'https://example.amazonaws.com/a%20b?x=1',
      headers: { 'X-Custom': 'v', 'User-Agent': 'agent', Authorization: 'old' },
    });
    expect(signed.headers.Authorization).toContain('SignedHeaders=host;x-amz-date;x-custom,');
    expect(signed.headers['X-Custom']).toBe('v');
    expect(signed.headers['User-Agent']).toBe('agent');
    const withoutAgent = sign({ method: 'GET', url: 'https://example.amazonaws.com/a%20b?x=1', headers: { 'X-Custom': 'v' } });
    expect(withoutAgent.headers.Authorization).toBe(signed.headers.Authorization);
  });

  it('rejects incomplete or mistyped arguments as OPA does', () => {
    const request = { method: 'GET', url: 'https://h/' };
    const bad: Array<[unknown[], string]> = [
      [[{ url: 'https://h/' }, vanillaConfig, 0], 'operand 1 missing required request parameters(s): {"method"}'],
      [[{ method: 1, url: [] }, vanillaConfig, 0], 'operand 1 invalid values for required request parameters(s): {"method", "url"}'],
      [[{ ...request, proxy: 'x' }, vanillaConfig, 0], 'operand 1 invalid request parameters(s): {"proxy"}'],
      [[request, { aws_service: 's3' }, 0], 'operand 2 missing required AWS config parameters(s): {"aws_access_key", "aws_region", "aws_secret_access_key"}'],
      [[request, { ...vanillaConfig, aws_region: 1 }, 0], 'operand 2 invalid values for required AWS config parameters(s): {"aws_region"}'],
      [[request, { ...vanillaConfig, disable_payload_signing: 'yes' }, 0], "operand 2 invalid value for 'disable_payload_signing' in AWS config"],
      [[request, vanillaConfig, 1.5], 'operand 3 could not convert time_ns value into a unix timestamp'],
      [[{ method: 'GET', url: 'http://[::1' }, vanillaConfig, 0], "missing ']' in host"],
      [['req', vanillaConfig, 0], 'operand 1 must be object but got string'],
    ];
    for (const [args, message] of bad) {
      expect(() => call('providers.aws.sign_req', ...args), message).toThrow(`providers.aws.sign_req: ${message}`);
    }
  });
});
