// providers.aws.sign_req: signs an http.send request object with AWS Signature Version 4, as OPA does. The
// signing time is an argument, so the result is deterministic.

import { createHash, createHmac } from 'node:crypto';
import { BuiltinError, num, obj, type Json, type JsonObject } from './args.js';
import { goJson } from './gojson.js';
import { escapedPath, parseGoUrl } from './gourl.js';

const REQUIRED_CONFIG = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];
const REQUIRED_REQUEST = ['method', 'url'];

/** The keys http.send accepts; OPA refuses a request object with any other, so this builtin does too. */
const REQUEST_KEYS = new Set([
  'body',
  'cache',
  'cache_ignored_headers',
  'caching_mode',
  'enable_redirect',
  'force_cache',
  'force_cache_duration_seconds',
  'force_json_decode',
  'force_yaml_decode',
  'headers',
  'max_retry_attempts',
  'method',
  'raise_error',
  'raw_body',
  'timeout',
  'tls_ca_cert',
  'tls_ca_cert_env_variable',
  'tls_ca_cert_file',
  'tls_client_cert',
  'tls_client_cert_env_variable',
  'tls_client_cert_file',
  'tls_client_key',
  'tls_client_key_env_variable',
  'tls_client_key_file',
  'tls_insecure_skip_verify',
  'tls_server_name',
  'tls_use_system_certs',
  'url',
]);

/** Headers a proxy may change on the way, left out of the signature as AWS's SDKs do. */
const UNSIGNED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

interface Credentials {
  accessKey: string;
  secretKey: string;
  region: string;
  service: string;
  sessionToken: string;
  disablePayloadSigning: boolean;
}

/** A set of names as OPA prints it in its messages: `{"a", "b"}`. */
function regoSet(names: string[]): string {
  return `{${[...names].sort().map((n) => JSON.stringify(n)).join(', ')}}`;
}

/** OPA reads non-string values where it wants strings as empty strings. */
function text(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}

function credentials(config: JsonObject): Credentials {
  const missing = REQUIRED_CONFIG.filter((k) => !Object.hasOwn(config, k));
  if (missing.length > 0) throw new BuiltinError(`operand 2 missing required AWS config parameters(s): ${regoSet(missing)}`);
  const invalid = REQUIRED_CONFIG.filter((k) => typeof config[k] !== 'string');
  if (invalid.length > 0) throw new BuiltinError(`operand 2 invalid values for required AWS config parameters(s): ${regoSet(invalid)}`);
  const disable = config.disable_payload_signing;
  if (disable !== undefined && typeof disable !== 'boolean') {
    throw new BuiltinError("operand 2 invalid value for 'disable_payload_signing' in AWS config");
  }
  return {
    accessKey: text(config.aws_access_key),
    secretKey: text(config.aws_secret_access_key),
    region: text(config.aws_region),
    service: text(config.aws_service),
    sessionToken: text(config.aws_session_token),
    disablePayloadSigning: disable === true,
  };
}

function checkRequest(request: JsonObject): void {
  const missing = REQUIRED_REQUEST.filter((k) => !Object.hasOwn(request, k));
  if (missing.length > 0) throw new BuiltinError(`operand 1 missing required request parameters(s): ${regoSet(missing)}`);
  const unknown = Object.keys(request).filter((k) => !REQUEST_KEYS.has(k));
  if (unknown.length > 0) throw new BuiltinError(`operand 1 invalid request parameters(s): ${regoSet(unknown)}`);
  const invalid = REQUIRED_REQUEST.filter((k) => typeof request[k] !== 'string');
  if (invalid.length > 0) throw new BuiltinError(`operand 1 invalid values for required request parameters(s): ${regoSet(invalid)}`);
}

/** The signing time from nanoseconds since the epoch; OPA needs it to be an integer. */
function signingTime(v: unknown): Date {
  const ns = num(v, 3);
  if (!Number.isInteger(ns)) throw new BuiltinError('operand 3 could not convert time_ns value into a unix timestamp');
  const time = new Date(Math.floor(ns / 1e6));
  if (Number.isNaN(time.getTime())) throw new BuiltinError('operand 3 could not convert time_ns value into a unix timestamp');
  return time;
}

/** `raw_body` wins over `body`, which is signed as Go's encoding/json writes it. */
function bodyBytes(request: JsonObject): string {
  if (request.raw_body !== undefined) return text(request.raw_body);
  if (request.body !== undefined) return goJson(request.body);
  return '';
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sign(request: JsonObject, creds: Credentials, time: Date): JsonObject {
  const url = parseGoUrl(text(request.url));
  const headersValue = request.headers ?? {};
  if (typeof headersValue !== 'object' || headersValue === null || Array.isArray(headersValue)) {
    throw new BuiltinError('operand 1 headers must be object');
  }
  const headers = Object.fromEntries(Object.entries(headersValue).map(([k, v]) => [k, text(v)]));

  const iso = time.toISOString();
  const day = iso.slice(0, 10).replaceAll('-', '');
  const stamp = `${day}T${iso.slice(11, 19).replaceAll(':', '')}Z`;
  const contentHash = creds.disablePayloadSigning ? UNSIGNED_PAYLOAD : sha256Hex(bodyBytes(request));

  const awsHeaders: Record<string, string> = { host: url.host, 'x-amz-date': stamp };
  // Only S3 and Glacier want the payload hash as a header.
  if (creds.service === 's3' || creds.service === 'glacier') awsHeaders['x-amz-content-sha256'] = contentHash;
  if (creds.sessionToken !== '') awsHeaders['x-amz-security-token'] = creds.sessionToken;

  // The request's own headers are signed with the values it gives, even where they name an AWS header.
  const signed = new Map(Object.entries(awsHeaders));
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!UNSIGNED_HEADERS.has(lower)) signed.set(lower, value);
  }
  const names = [...signed.keys()].sort();
  const canonical = [
    text(request.method),
    escapedPath(url),
    url.rawQuery,
    ...names.map((n) => `${n}:${signed.get(n)}`),
    '',
    names.join(';'),
    contentHash,
  ].join('\n');

  const scope = `${day}/${creds.region}/${creds.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonical)].join('\n');
  const key = [day, creds.region, creds.service, 'aws4_request'].reduce<Buffer | string>(
    (k, part) => hmac(k, part),
    `AWS4${creds.secretKey}`,
  );
  const signature = hmac(key, stringToSign).toString('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKey}/${scope},SignedHeaders=${names.join(';')},Signature=${signature}`;
  return { ...request, headers: { ...headers, Authorization: authorization, ...awsHeaders } };
}

function signRequest(requestValue: unknown, configValue: unknown, timeNs: unknown): JsonObject {
  const request = obj(requestValue, 1);
  const creds = credentials(obj(configValue, 2));
  const time = signingTime(timeNs);
  checkRequest(request);
  return sign(request, creds, time);
}

export const awsBuiltins = {
  'providers.aws.sign_req': signRequest,
};
