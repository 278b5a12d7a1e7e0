import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialize as pgSerialize } from 'pg-protocol';
import { Parser as BackendParser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import * as be from '../shims/postgres/protocol/backend-serializer.js';
import { DEFAULT_FRONTEND_LIMITS, FrontendParser } from '../shims/postgres/protocol/frontend-parser.js';
import type { FrontendMessage, PasswordMessage } from '../shims/postgres/protocol/frontend-messages.js';
import * as fe from '../shims/postgres/protocol/frontend-serializer.js';
import { md5PasswordResponse } from '../shims/postgres/protocol/md5-password.js';
import {
  readCleartextPassword,
  readSASLInitialResponse,
  readSASLResponse,
} from '../shims/postgres/protocol/password-message.js';
import { ProtocolError, type ProtocolErrorCode } from '../shims/postgres/protocol/protocol-error.js';
import { ScramClient, ScramError, ScramPassword } from '../shims/postgres/protocol/scram.js';
import { saslprepForPostgres } from '../shims/postgres/protocol/saslprep.js';
import { startPostgres, type PostgresServer } from './fixtures/postgres.js';

const execFileAsync = promisify(execFile);

const STARTUP = fe.startupMessage({ user: 'alice', database: 'app', application_name: 'psql' });

function parseAll(chunks: readonly Buffer[], parser = new FrontendParser()): FrontendMessage[] {
  return chunks.flatMap((chunk) => parser.push(chunk));
}

/** A parser past the startup phase, ready for typed messages. */
function typedParser(limits = DEFAULT_FRONTEND_LIMITS): FrontendParser {
  const parser = new FrontendParser(limits);
  parser.push(STARTUP);
  return parser;
}

function onlyMessage(bytes: Buffer, parser: FrontendParser): FrontendMessage {
  const messages = parser.push(bytes);
  expect(messages).toHaveLength(1);
  expect(parser.bufferedBytes).toBe(0);
  return messages[0]!;
}

function protocolErrorOf(action: () => unknown): ProtocolError {
  try {
    action();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError, nothing was thrown');
}

function expectRefused(action: () => unknown, code: ProtocolErrorCode, text: RegExp): ProtocolError {
  const error = protocolErrorOf(action);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(text);
  expect(error.sqlState).toBe('08P01');
  return error;
}

/** A typed message with a hand-made body, for inputs no serializer would produce. */
function typed(type: string, ...body: (Buffer | string | number[])[]): Buffer {
  const payload = Buffer.concat(body.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(payload.length + 4, 1);
  return Buffer.concat([header, payload]);
}

function int16(value: number): number[] {
  const b = Buffer.alloc(2);
  b.writeInt16BE(value);
  return [...b];
}

function int32(value: number): number[] {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return [...b];
}

function startupPacket(code: number, ...body: (Buffer | string)[]): Buffer {
  const payload = Buffer.concat(body.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
  const header = Buffer.alloc(8);
  header.writeInt32BE(payload.length + 8, 0);
  header.writeInt32BE(code, 4);
  return Buffer.concat([header, payload]);
}

const int4 = (n: number): Buffer => Buffer.from(int32(n));

/** Everything a client may send after the startup packet, each message type at least once. */
function typedStream(): Buffer[] {
  return [
    fe.passwordMessage('task-token'),
    fe.query('SELECT 1; SELECT \'é\''),
    fe.parse({ statement: 's1', text: 'SELECT $1::int + $2', paramTypes: [23, 0] }),
    fe.bind({ portal: 'p1', statement: 's1', paramFormats: [1, 0], values: [int4(42), null], resultFormats: [1] }),
    fe.describe('P', 'p1'),
    fe.execute('p1', 10),
    fe.flush(),
    fe.sync(),
    fe.close('S', 's1'),
    fe.query('COPY t FROM STDIN'),
    fe.copyData(Buffer.from('1\t2\n3\t4\n')),
    fe.copyDone(),
    fe.copyFail('client gave up'),
    fe.functionCall({ functionOid: 1598, argFormats: [0], args: [Buffer.from('x'), null], resultFormat: 1 }),
    fe.terminate(),
  ];
}

describe('frontend messages: serialize then parse', () => {
  const cases: { name: string; bytes: Buffer; expected: Record<string, unknown> }[] = [
    { name: 'PasswordMessage', bytes: fe.passwordMessage('s3cret'), expected: { type: 'password', body: Buffer.from('s3cret\0') } },
    { name: 'Query', bytes: fe.query('SELECT ssn FROM people'), expected: { type: 'query', text: 'SELECT ssn FROM people' } },
    { name: 'Query (empty)', bytes: fe.query(''), expected: { type: 'query', text: '' } },
    {
      name: 'Parse',
      bytes: fe.parse({ statement: 'st', text: 'SELECT $1, $2', paramTypes: [25, 0xfffffff0] }),
      expected: { type: 'parse', statement: 'st', text: 'SELECT $1, $2', paramTypes: [25, 0xfffffff0] },
    },
    {
      name: 'Bind',
      bytes: fe.bind({ portal: '', statement: 'st', paramFormats: [0], values: [Buffer.from('a'), null, Buffer.alloc(0)], resultFormats: [0, 1] }),
      expected: {
        type: 'bind',
        portal: '',
        statement: 'st',
        paramFormats: [0],
        values: [Buffer.from('a'), null, Buffer.alloc(0)],
        resultFormats: [0, 1],
      },
    },
    { name: 'Describe statement', bytes: fe.describe('S', 'st'), expected: { type: 'describe', kind: 'S', name: 'st' } },
    { name: 'Describe portal', bytes: fe.describe('P', ''), expected: { type: 'describe', kind: 'P', name: '' } },
    { name: 'Execute', bytes: fe.execute('p', 5), expected: { type: 'execute', portal: 'p', maxRows: 5 } },
    { name: 'Execute (negative max rows)', bytes: fe.execute('p', -1), expected: { type: 'execute', portal: 'p', maxRows: -1 } },
    { name: 'Sync', bytes: fe.sync(), expected: { type: 'sync' } },
    { name: 'Flush', bytes: fe.flush(), expected: { type: 'flush' } },
    { name: 'Close statement', bytes: fe.close('S', 'st'), expected: { type: 'close', kind: 'S', name: 'st' } },
    { name: 'Close portal', bytes: fe.close('P', 'p'), expected: { type: 'close', kind: 'P', name: 'p' } },
    { name: 'CopyData', bytes: fe.copyData(Buffer.from([0, 1, 2, 255])), expected: { type: 'copyData', data: Buffer.from([0, 1, 2, 255]) } },
    { name: 'CopyDone', bytes: fe.copyDone(), expected: { type: 'copyDone' } },
    { name: 'CopyFail', bytes: fe.copyFail('nope'), expected: { type: 'copyFail', reason: 'nope' } },
    {
      name: 'FunctionCall',
      bytes: fe.functionCall({ functionOid: 1234, argFormats: [], args: [null, Buffer.from('ab')], resultFormat: 0 }),
      expected: { type: 'functionCall', functionOid: 1234, argFormats: [], args: [null, Buffer.from('ab')], resultFormat: 0 },
    },
    { name: 'SASLInitialResponse shape', bytes: fe.saslInitialResponse('SCRAM-SHA-256', Buffer.from('n,,n=,r=abc')), expected: { type: 'password' } },
    { name: 'SASLResponse shape', bytes: fe.saslResponse(Buffer.from('c=biws,r=abc,p=xyz')), expected: { type: 'password' } },
  ];

  for (const { name, bytes, expected } of cases) {
    it(name, () => {
      const message = onlyMessage(bytes, typedParser());
      expect(message).toMatchObject(expected);
      expect(message.raw.equals(bytes)).toBe(true);
    });
  }

  it('Terminate, after which nothing more is accepted', () => {
    const parser = typedParser();
    expect(onlyMessage(fe.terminate(), parser)).toMatchObject({ type: 'terminate' });
    expectRefused(() => parser.push(fe.sync()), 'unexpected_data', /after CancelRequest or Terminate/);
  });

  it('StartupMessage keeps its parameters in order', () => {
    const message = onlyMessage(STARTUP, new FrontendParser());
    expect(message.type).toBe('startup');
    if (message.type !== 'startup') return;
    expect([...message.parameters]).toEqual([
      ['user', 'alice'],
      ['database', 'app'],
      ['application_name', 'psql'],
    ]);
    expect(message.raw.equals(STARTUP)).toBe(true);
  });

  it('SSLRequest, GSSENCRequest and CancelRequest', () => {
    expect(onlyMessage(fe.sslRequest(), new FrontendParser())).toMatchObject({ type: 'sslRequest' });
    expect(onlyMessage(fe.gssEncRequest(), new FrontendParser())).toMatchObject({ type: 'gssEncRequest' });
    expect(onlyMessage(fe.cancelRequest(4242, -123456789), new FrontendParser())).toMatchObject({
      type: 'cancelRequest',
      processId: 4242,
      secretKey: -123456789,
    });
  });

  it('GSSENCRequest refused, then SSLRequest refused, then StartupMessage: the order libpq uses', () => {
    const parser = new FrontendParser();
    const types = [fe.gssEncRequest(), fe.sslRequest(), STARTUP, fe.query('SELECT 1')].flatMap((chunk) =>
      parser.push(chunk).map((m) => m.type),
    );
    expect(types).toEqual(['gssEncRequest', 'sslRequest', 'startup', 'query']);
  });

  it('reads the three interpretations of a password message', () => {
    const password = onlyMessage(fe.passwordMessage('tök3n'), typedParser()) as PasswordMessage;
    expect(readCleartextPassword(password)).toEqual({ password: 'tök3n' });

    const initial = onlyMessage(fe.saslInitialResponse('SCRAM-SHA-256', Buffer.from('n,,n=,r=abc')), typedParser());
    expect(readSASLInitialResponse(initial as PasswordMessage)).toEqual({
      mechanism: 'SCRAM-SHA-256',
      initialResponse: Buffer.from('n,,n=,r=abc'),
    });
    const noInitial = onlyMessage(fe.saslInitialResponse('SCRAM-SHA-256', null), typedParser());
    expect(readSASLInitialResponse(noInitial as PasswordMessage)).toEqual({ mechanism: 'SCRAM-SHA-256', initialResponse: null });

    const response = onlyMessage(fe.saslResponse(Buffer.from('c=biws')), typedParser());
    expect(readSASLResponse(response as PasswordMessage)).toEqual({ data: Buffer.from('c=biws') });
  });

  it('refuses malformed password message bodies', () => {
    const trailing = onlyMessage(typed('p', 'pw\0extra'), typedParser()) as PasswordMessage;
    const error = expectRefused(() => readCleartextPassword(trailing), 'trailing_bytes', /PasswordMessage: 5 unexpected byte/);
    expect(error.streamOffset).toBe(STARTUP.length);
    const unterminated = onlyMessage(typed('p', 'pw'), typedParser()) as PasswordMessage;
    expectRefused(() => readCleartextPassword(unterminated), 'unterminated_string', /password is not terminated/);
    const badLength = onlyMessage(typed('p', 'SCRAM-SHA-256\0', int32(-2)), typedParser()) as PasswordMessage;
    expectRefused(() => readSASLInitialResponse(badLength), 'invalid_value_length', /only -1 \(NULL\)/);
    const overrun = onlyMessage(typed('p', 'SCRAM-SHA-256\0', int32(50), 'abc'), typedParser()) as PasswordMessage;
    expectRefused(() => readSASLInitialResponse(overrun), 'truncated_message', /initial response needs 50/);
  });

  it('parses what an independent encoder (pg-protocol, node-postgres) produces', () => {
    const stream = [
      pgSerialize.startup({ user: 'bob', database: 'db' }),
      pgSerialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=*,r=nonce'),
      pgSerialize.sendSCRAMClientFinalMessage('c=biws,r=nonceX,p=proof'),
      pgSerialize.query('SELECT now()'),
      pgSerialize.parse({ name: 'q1', text: 'SELECT $1::text', types: [25] }),
      pgSerialize.bind({ portal: 'p', statement: 'q1', values: ['v', null, Buffer.from([1, 2])], binary: true }),
      pgSerialize.describe({ type: 'P', name: 'p' }),
      pgSerialize.execute({ portal: 'p', rows: 3 }),
      pgSerialize.flush(),
      pgSerialize.sync(),
      pgSerialize.close({ type: 'S', name: 'q1' }),
      pgSerialize.copyData(Buffer.from('row\n')),
      pgSerialize.copyDone(),
      pgSerialize.copyFail('why'),
      pgSerialize.end(),
    ];
    const messages = parseAll([Buffer.concat(stream)]);
    expect(messages.map((m) => m.type)).toEqual([
      'startup', 'password', 'password', 'query', 'parse', 'bind', 'describe', 'execute',
      'flush', 'sync', 'close', 'copyData', 'copyDone', 'copyFail', 'terminate',
    ]);
    expect(readSASLInitialResponse(messages[1] as PasswordMessage).initialResponse?.toString()).toBe('n,,n=*,r=nonce');
    expect(messages[5]).toMatchObject({
      portal: 'p',
      statement: 'q1',
      paramFormats: [0, 0, 1],
      values: [Buffer.from('v'), null, Buffer.from([1, 2])],
      resultFormats: [1],
    });
    expect(messages[7]).toMatchObject({ portal: 'p', maxRows: 3 });
    messages.forEach((m, i) => expect(m.raw.equals(stream[i]!)).toBe(true));
  });

  it('serializes byte for byte what the independent encoder does', () => {
    // pg-protocol always appends client_encoding=UTF8.
    expect(fe.startupMessage({ user: 'bob', database: 'db', client_encoding: 'UTF8' })).toEqual(
      pgSerialize.startup({ user: 'bob', database: 'db' }),
    );
    expect(fe.query('SELECT 1')).toEqual(pgSerialize.query('SELECT 1'));
    expect(fe.parse({ statement: 'n', text: 'SELECT $1', paramTypes: [23] })).toEqual(
      pgSerialize.parse({ name: 'n', text: 'SELECT $1', types: [23] }),
    );
    expect(fe.describe('S', 'n')).toEqual(pgSerialize.describe({ type: 'S', name: 'n' }));
    expect(fe.execute('p', 7)).toEqual(pgSerialize.execute({ portal: 'p', rows: 7 }));
    expect(fe.close('P', 'p')).toEqual(pgSerialize.close({ type: 'P', name: 'p' }));
    expect(fe.sync()).toEqual(pgSerialize.sync());
    expect(fe.flush()).toEqual(pgSerialize.flush());
    expect(fe.terminate()).toEqual(pgSerialize.end());
    expect(fe.sslRequest()).toEqual(pgSerialize.requestSsl());
    expect(fe.cancelRequest(99, 12345)).toEqual(pgSerialize.cancel(99, 12345));
    expect(fe.passwordMessage('pw')).toEqual(pgSerialize.password('pw'));
    expect(fe.saslInitialResponse('SCRAM-SHA-256', Buffer.from('n,,n=,r=x'))).toEqual(
      pgSerialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=,r=x'),
    );
    expect(fe.copyData(Buffer.from('abc'))).toEqual(pgSerialize.copyData(Buffer.from('abc')));
  });

  it('refuses to serialize what would misframe', () => {
    expect(() => fe.query('SELECT 1\0; DROP TABLE t')).toThrow(/NUL/);
    expect(() => fe.startupMessage({ database: 'x' })).toThrow(/"user"/);
    expect(() => fe.parse({ statement: '', text: 'x', paramTypes: new Array(70000).fill(0) })).toThrow(/65535/);
  });
});

describe('frontend parser: chunking', () => {
  const stream = Buffer.concat([STARTUP, ...typedStream()]);
  const whole = parseAll([stream]);

  it('parses the whole stream at once, every message a view into the chunk', () => {
    expect(whole.map((m) => m.type)).toEqual([
      'startup', 'password', 'query', 'parse', 'bind', 'describe', 'execute', 'flush', 'sync',
      'close', 'query', 'copyData', 'copyDone', 'copyFail', 'functionCall', 'terminate',
    ]);
    for (const message of whole) expect(message.raw.buffer).toBe(stream.buffer);
  });

  it('stamps each message with where it starts in the stream', () => {
    let offset = 0;
    for (const message of whole) {
      expect(message.streamOffset).toBe(offset);
      offset += message.raw.length;
    }
    expect(offset).toBe(stream.length);
  });

  it('gives the same messages when split in two at every byte boundary', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const parser = new FrontendParser();
      const messages = parseAll([stream.subarray(0, cut), stream.subarray(cut)], parser);
      expect(messages, `cut at ${cut}`).toEqual(whole);
      expect(parser.bufferedBytes).toBe(0);
    }
  });

  it('gives the same messages when fed one byte at a time', () => {
    const chunks = [...stream].map((byte) => Buffer.from([byte]));
    expect(parseAll(chunks)).toEqual(whole);
  });

  it('keeps earlier messages intact when later chunks arrive', () => {
    const parser = new FrontendParser();
    const first = parser.push(stream.subarray(0, 40));
    const snapshot = first.map((m) => Buffer.from(m.raw));
    parser.push(stream.subarray(40));
    first.forEach((m, i) => expect(m.raw.equals(snapshot[i]!)).toBe(true));
  });

  it('waits for a message split mid-header or mid-body and reports what it holds', () => {
    const parser = typedParser();
    const query = fe.query('SELECT 42');
    expect(parser.push(query.subarray(0, 3))).toEqual([]);
    expect(parser.bufferedBytes).toBe(3);
    expect(parser.push(query.subarray(3, 9))).toEqual([]);
    expect(parser.push(query.subarray(9))).toMatchObject([{ type: 'query', text: 'SELECT 42' }]);
    expect(parser.bufferedBytes).toBe(0);
  });
});

describe('frontend parser: refusals', () => {
  it('a length below 4, or negative', () => {
    expectRefused(() => typedParser().push(Buffer.from([0x51, 0, 0, 0, 3])), 'invalid_length', /Query: length 3 is below/);
    expectRefused(() => typedParser().push(Buffer.from([0x53, 0xff, 0xff, 0xff, 0xff])), 'invalid_length', /Sync: length -1/);
    expectRefused(() => new FrontendParser().push(Buffer.from([0, 0, 0, 4])), 'invalid_length', /startup packet: length 4/);
    expectRefused(() => new FrontendParser().push(Buffer.from([0x80, 0, 0, 0])), 'invalid_length', /startup packet: length -/);
  });

  it('a length over the limit, refused from the header alone', () => {
    const header = Buffer.from([0x51, ...int32(DEFAULT_FRONTEND_LIMITS.maxMessageLength + 1)]);
    expectRefused(() => typedParser().push(header), 'message_too_large', /Query: length 1048577 exceeds the limit of 1048576/);
    const huge = Buffer.from([0x64, ...int32(0x7fffffff)]);
    expectRefused(() => typedParser().push(huge), 'message_too_large', /CopyData: length 2147483647 exceeds/);
    expectRefused(() => new FrontendParser().push(Buffer.from(int32(10_001))), 'message_too_large', /startup packet/);
  });

  it('separate limits for bulk messages (Bind, CopyData, FunctionCall) and the rest', () => {
    const limits = { maxStartupLength: 10_000, maxMessageLength: 100, maxLargeMessageLength: 1000 };
    expectRefused(() => typedParser(limits).push(fe.query('x'.repeat(200))), 'message_too_large', /Query: length 205 exceeds the limit of 100/);
    expect(typedParser(limits).push(fe.copyData(Buffer.alloc(500)))).toHaveLength(1);
    const bind = fe.bind({ portal: '', statement: '', paramFormats: [], values: [Buffer.alloc(500)], resultFormats: [] });
    expect(typedParser(limits).push(bind)).toHaveLength(1);
    expectRefused(() => typedParser(limits).push(fe.copyData(Buffer.alloc(1000))), 'message_too_large', /CopyData/);
  });

  it('a string without its NUL terminator', () => {
    expectRefused(() => typedParser().push(typed('Q', 'SELECT 1')), 'unterminated_string', /Query: query text is not terminated/);
    expectRefused(() => typedParser().push(typed('P', 's\0SELECT 1')), 'unterminated_string', /Parse: query text/);
    expectRefused(() => typedParser().push(typed('D', 'S', 'name')), 'unterminated_string', /Describe: name/);
    expectRefused(() => new FrontendParser().push(startupPacket(3 << 16, 'user\0al')), 'unterminated_string', /StartupMessage/);
  });

  it('counts and lengths that overrun the message', () => {
    expectRefused(
      () => typedParser().push(typed('P', 's\0SELECT $1\0', int16(1000), int32(23))),
      'truncated_message',
      /Parse: 1000 parameter type OIDs cannot fit in the 4 byte/,
    );
    expectRefused(
      () => typedParser().push(typed('B', '\0\0', int16(0), int16(3), int32(1), 'a')),
      'truncated_message',
      /Bind: 3 parameter values cannot fit/,
    );
    expectRefused(
      () => typedParser().push(typed('B', '\0\0', int16(0), int16(1), int32(100), 'abc', int16(0))),
      'truncated_message',
      /Bind: parameter \$1 needs 100 byte/,
    );
    expectRefused(() => typedParser().push(typed('E', 'p\0', [0, 0])), 'truncated_message', /Execute: max rows needs 4/);
    expectRefused(() => new FrontendParser().push(startupPacket(80877102, int4(1))), 'truncated_message', /CancelRequest: secret key/);
  });

  it('a negative value length other than -1', () => {
    expectRefused(
      () => typedParser().push(typed('B', '\0\0', int16(0), int16(1), int32(-2), int16(0))),
      'invalid_value_length',
      /Bind: parameter \$1 has length -2/,
    );
    expectRefused(
      () => typedParser().push(typed('F', int32(1), int16(0), int16(1), int32(-7), int16(0))),
      'invalid_value_length',
      /FunctionCall: argument 1 has length -7/,
    );
  });

  it('an unknown message type, refused from its first byte', () => {
    expectRefused(() => typedParser().push(Buffer.from('Z')), 'unknown_message_type', /unknown frontend message type 'Z' \(0x5a\)/);
    expectRefused(() => typedParser().push(Buffer.from([0])), 'unknown_message_type', /type \(0x00\)/);
  });

  it('protocol versions other than 3.0', () => {
    expectRefused(
      () => new FrontendParser().push(startupPacket(2 << 16, 'user\0a\0\0')),
      'unsupported_protocol_version',
      /StartupMessage: protocol 2\.0 is not supported; only 3\.0/,
    );
    expectRefused(
      () => new FrontendParser().push(startupPacket((3 << 16) | 2, 'user\0a\0\0')),
      'unsupported_protocol_version',
      /protocol 3\.2/,
    );
    expectRefused(() => new FrontendParser().push(startupPacket((1234 << 16) | 9999)), 'unsupported_protocol_version', /1234\.9999/);
  });

  it('trailing bytes after the last field', () => {
    expectRefused(() => typedParser().push(typed('Q', 'SELECT 1\0DROP TABLE t\0')), 'trailing_bytes', /Query: 13 unexpected byte/);
    expectRefused(() => typedParser().push(typed('S', 'x')), 'trailing_bytes', /Sync: length 5, but the message has no fields/);
    expectRefused(() => typedParser().push(typed('C', 'S', 'st\0', 'x')), 'trailing_bytes', /Close/);
    expectRefused(() => new FrontendParser().push(startupPacket(80877103, 'x')), 'trailing_bytes', /SSLRequest/);
    expectRefused(() => new FrontendParser().push(startupPacket(3 << 16, 'user\0a\0\0junk')), 'trailing_bytes', /StartupMessage/);
  });

  it('field values the protocol does not define', () => {
    expectRefused(() => typedParser().push(typed('D', 'X', 'n\0')), 'invalid_field', /Describe: kind must be 'S'.*got byte 88/);
    expectRefused(
      () => typedParser().push(typed('B', '\0\0', int16(1), int16(2), int16(0), int16(0))),
      'invalid_field',
      /Bind: parameter format code 2 is neither 0 \(text\) nor 1/,
    );
    expectRefused(
      () => typedParser().push(typed('B', '\0\0', int16(0), int16(0), int16(1), int16(-1))),
      'invalid_field',
      /result format code -1/,
    );
    expectRefused(
      () => typedParser().push(typed('B', '\0\0', int16(2), int16(0), int16(1), int16(3), int32(-1), int32(-1), int32(-1), int16(0))),
      'invalid_field',
      /Bind: 2 parameter format codes for 3 parameter/,
    );
  });

  it('text that is not UTF-8', () => {
    expectRefused(() => typedParser().push(typed('Q', [0x53, 0xff, 0x00])), 'invalid_utf8', /Query: query text is not valid UTF-8/);
  });

  it('startup parameters without a user, or with one named twice', () => {
    expectRefused(
      () => new FrontendParser().push(startupPacket(3 << 16, 'database\0x\0\0')),
      'invalid_startup_parameters',
      /no "user" parameter/,
    );
    expectRefused(
      () => new FrontendParser().push(startupPacket(3 << 16, 'user\0a\0user\0postgres\0\0')),
      'invalid_startup_parameters',
      /parameter "user" is sent twice/,
    );
  });

  it('data sent behind an SSLRequest before the answer (CVE-2021-23214)', () => {
    expectRefused(() => new FrontendParser().push(Buffer.concat([fe.sslRequest(), STARTUP])), 'unexpected_data', /SSLRequest: \d+ byte\(s\) sent before/);
    expectRefused(() => new FrontendParser().push(Buffer.concat([fe.gssEncRequest(), Buffer.from([0])])), 'unexpected_data', /GSSENCRequest/);
  });

  it('a second SSLRequest', () => {
    const parser = new FrontendParser();
    parser.push(fe.sslRequest());
    expectRefused(() => parser.push(fe.sslRequest()), 'duplicate_encryption_request', /SSLRequest sent a second time/);
  });

  it('data after a CancelRequest', () => {
    expectRefused(() => new FrontendParser().push(Buffer.concat([fe.cancelRequest(1, 2), Buffer.from([0])])), 'unexpected_data', /CancelRequest/);
  });

  it('locates the refused message in the stream', () => {
    const bad = typed('Q', 'SELECT 1');
    const error = protocolErrorOf(() => typedParser().push(Buffer.concat([fe.sync(), fe.flush(), bad])));
    expect(error.streamOffset).toBe(STARTUP.length + 10);
    expect(error.message).toContain(`at byte ${STARTUP.length + 10} of the client stream`);
  });

  it('returns none of the messages of a chunk that breaks the protocol, and refuses everything after', () => {
    const parser = typedParser();
    expectRefused(() => parser.push(Buffer.concat([fe.query('SELECT 1'), Buffer.from('?')])), 'unknown_message_type', /'\?'/);
    expectRefused(() => parser.push(fe.sync()), 'parser_failed', /input refused after an earlier protocol error/);
  });
});

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function garble(base: Buffer, random: () => number): Buffer {
  const pick = (n: number): number => Math.floor(random() * n);
  let bytes = Buffer.from(base);
  const mutations = 1 + pick(4);
  for (let i = 0; i < mutations; i++) {
    switch (pick(6)) {
      case 0: // flip a bit
        if (bytes.length > 0) bytes[pick(bytes.length)]! ^= 1 << pick(8);
        break;
      case 1: // random byte
        if (bytes.length > 0) bytes[pick(bytes.length)] = pick(256);
        break;
      case 2: // truncate
        bytes = bytes.subarray(0, pick(bytes.length + 1));
        break;
      case 3: {
        // insert random bytes
        const at = pick(bytes.length + 1);
        const noise = Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256)));
        bytes = Buffer.concat([bytes.subarray(0, at), noise, bytes.subarray(at)]);
        break;
      }
      case 4: {
        // overwrite four bytes with an extreme or random int32, often hitting a length field
        if (bytes.length < 4) break;
        const values = [0, 3, 4, -1, -2, 0x7fffffff, -0x80000000, pick(0x10000), pick(0x7fffffff)];
        bytes.writeInt32BE(values[pick(values.length)]!, pick(bytes.length - 3));
        break;
      }
      default: {
        // duplicate a slice
        const from = pick(bytes.length + 1);
        const to = from + pick(bytes.length - from + 1);
        bytes = Buffer.concat([bytes.subarray(0, to), bytes.subarray(from, to), bytes.subarray(to)]);
      }
    }
  }
  return bytes;
}

function randomChunks(bytes: Buffer, random: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const size = 1 + Math.floor(random() * 64);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

describe('frontend parser: fuzz', () => {
  it('garbled and truncated streams only ever raise ProtocolError, and account for every byte', () => {
    const random = prng(0x7a5c9a7e);
    const base = Buffer.concat([STARTUP, ...typedStream().slice(0, -1)]);
    const startedAt = Date.now();
    const outcomes = { parsed: 0, refused: 0 };
    for (let round = 0; round < 4000; round++) {
      const input = round % 10 === 0 ? Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))) : garble(base, random);
      const parser = new FrontendParser({ maxStartupLength: 10_000, maxMessageLength: 4096, maxLargeMessageLength: 8192 });
      let consumed = 0;
      try {
        for (const chunk of randomChunks(input, random)) {
          consumed += parser.push(chunk).reduce((sum, m) => sum + m.raw.length, 0);
        }
        // Whatever was not refused is either a complete message or waiting for more bytes.
        expect(consumed + parser.bufferedBytes, `round ${round}`).toBe(input.length);
        outcomes.parsed++;
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw new Error(`round ${round}: ${String(error)}`);
        outcomes.refused++;
      }
    }
    expect(outcomes.refused).toBeGreaterThan(1000);
    expect(outcomes.parsed).toBeGreaterThan(100);
    expect(Date.now() - startedAt).toBeLessThan(20_000);
  });
});

function parseBackend(bytes: Buffer): BackendMessage[] {
  const messages: BackendMessage[] = [];
  new BackendParser().parse(bytes, (message) => messages.push(message));
  return messages;
}

describe('backend serializer, read back with pg-protocol', () => {
  it('authentication, parameter status, key data, ready for query', () => {
    const messages = parseBackend(
      Buffer.concat([
        be.authenticationCleartextPassword(),
        be.authenticationOk(),
        be.parameterStatus('server_version', '15.18'),
        be.backendKeyData(31337, -42),
        be.readyForQuery('I'),
        be.readyForQuery('T'),
        be.readyForQuery('E'),
      ]),
    );
    expect(messages).toMatchObject([
      { name: 'authenticationCleartextPassword' },
      { name: 'authenticationOk' },
      { name: 'parameterStatus', parameterName: 'server_version', parameterValue: '15.18' },
      { name: 'backendKeyData', processID: 31337, secretKey: -42 },
      { name: 'readyForQuery', status: 'I' },
      { name: 'readyForQuery', status: 'T' },
      { name: 'readyForQuery', status: 'E' },
    ]);
  });

  it('ErrorResponse and NoticeResponse carry S, V, C, M, D, H and P as Postgres sends them', () => {
    const error = be.errorResponse({
      severity: 'ERROR',
      code: '42501',
      message: 'denied by policy: ssn is masked',
      detail: 'rule data.pg.deny',
      hint: 'ask for approval',
      position: 8,
    });
    const [parsed] = parseBackend(error);
    expect(parsed).toMatchObject({
      name: 'error',
      severity: 'ERROR',
      code: '42501',
      message: 'denied by policy: ssn is masked',
      detail: 'rule data.pg.deny',
      hint: 'ask for approval',
      position: '8',
    });
    // Severity first, localisable (S) then not (V), then the SQLSTATE, as Postgres orders them.
    expect(error.subarray(5, 26).toString('latin1')).toBe('SERROR\0VERROR\0C42501\0');

    const [notice] = parseBackend(be.noticeResponse({ severity: 'NOTICE', code: '00000', message: 'waiting for approval a-1' }));
    expect(notice).toMatchObject({ name: 'notice', severity: 'NOTICE', code: '00000', message: 'waiting for approval a-1' });
  });

  it('keeps a deny deliverable when its text contains NUL, and refuses a malformed SQLSTATE', () => {
    const [parsed] = parseBackend(be.errorResponse({ severity: 'ERROR', code: '42501', message: 'bad\0reason' }));
    expect(parsed).toMatchObject({ name: 'error', message: 'bad\uFFFDreason', code: '42501' });
    expect(() => be.errorResponse({ severity: 'ERROR', code: '4250', message: 'x' })).toThrow(/SQLSTATE/);
  });

  it('RowDescription and DataRow, including NULL and binary cells', () => {
    const columns = [
      { name: 'ssn', tableID: 16384, columnID: 3, dataTypeID: 25, dataTypeSize: -1, dataTypeModifier: -1, format: 'text' as const },
      { name: 'n', tableID: 0, columnID: 0, dataTypeID: 23, dataTypeSize: 4, dataTypeModifier: -1, format: 'binary' as const },
    ];
    const messages = parseBackend(Buffer.concat([be.rowDescription(columns), be.dataRow(['***-**-1234', null]), be.dataRow([Buffer.from('é'), ''])]));
    expect(messages[0]).toMatchObject({ name: 'rowDescription', fieldCount: 2, fields: columns });
    expect(messages[1]).toMatchObject({ name: 'dataRow', fields: ['***-**-1234', null] });
    expect(messages[2]).toMatchObject({ name: 'dataRow', fields: ['é', ''] });
  });

  it('a RowDescription parsed by pg-protocol re-encodes to the same bytes', () => {
    const original = be.rowDescription([
      { name: 'x', tableID: 0xfffffffe, columnID: -1, dataTypeID: 0x80000000, dataTypeSize: -2, dataTypeModifier: 7, format: 'text' },
    ]);
    const [parsed] = parseBackend(original);
    expect(be.rowDescription((parsed as unknown as { fields: be.ColumnDescription[] }).fields)).toEqual(original);
  });

  it('the short replies', () => {
    const messages = parseBackend(
      Buffer.concat([
        be.commandComplete('SELECT 3'),
        be.emptyQueryResponse(),
        be.parseComplete(),
        be.bindComplete(),
        be.closeComplete(),
        be.noData(),
        be.parameterDescription([23, 25, 0xffffffff]),
      ]),
    );
    expect(messages).toMatchObject([
      { name: 'commandComplete', text: 'SELECT 3' },
      { name: 'emptyQuery' },
      { name: 'parseComplete' },
      { name: 'bindComplete' },
      { name: 'closeComplete' },
      { name: 'noData' },
      { name: 'parameterDescription', parameterCount: 3, dataTypeIDs: [23, 25, 0xffffffff] },
    ]);
  });

  it('the one-byte answers to SSLRequest and GSSENCRequest', () => {
    expect(be.encryptionResponse(true)).toEqual(Buffer.from('S'));
    expect(be.encryptionResponse(false)).toEqual(Buffer.from('N'));
  });
});

describe('SCRAM-SHA-256 and md5', () => {
  it('reproduces the RFC 7677 example exchange', async () => {
    const client = new ScramClient(new ScramPassword('pencil'), { username: 'user', clientNonce: 'rOprNGfwEbeRWgbNEkqO' });
    expect(client.clientFirstMessage).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = await client.clientFinalMessage(
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    );
    expect(final).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(client.verified).toBe(false);
    client.verifyServerFinal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    expect(client.verified).toBe(true);
  });

  const serverFirst = 'r=abcdefSERVER,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
  const scramCode = async (action: () => unknown): Promise<string> => {
    try {
      await action();
    } catch (error) {
      if (error instanceof ScramError) return error.code;
      throw error;
    }
    return 'no error';
  };

  it('refuses a server that does not know the password, or does not follow the exchange', async () => {
    const client = (): ScramClient => new ScramClient(new ScramPassword('pencil'), { clientNonce: 'abcdef' });
    const answered = client();
    await answered.clientFinalMessage(serverFirst);
    expect(await scramCode(() => answered.verifyServerFinal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).toBe('server_signature_mismatch');
    expect(answered.verified).toBe(false);
    expect(await scramCode(() => answered.verifyServerFinal('e=invalid-proof'))).toBe('server_rejected');
    expect(await scramCode(() => answered.verifyServerFinal('x'))).toBe('invalid_server_message');
    expect(await scramCode(() => client().verifyServerFinal('v=AAAA'))).toBe('out_of_order');
    expect(await scramCode(() => client().clientFinalMessage('r=zzzzzzSERVER,s=AAAA,i=4096'))).toBe('nonce_mismatch');
    expect(await scramCode(() => client().clientFinalMessage('r=abcdef,s=AAAA,i=4096'))).toBe('nonce_mismatch');
    expect(await scramCode(() => client().clientFinalMessage('r=abcdefX,s=AAAA,i=0'))).toBe('iterations_out_of_range');
    expect(await scramCode(() => client().clientFinalMessage('r=abcdefX,s=AAAA,i=99999999999'))).toBe('iterations_out_of_range');
    expect(await scramCode(() => client().clientFinalMessage('r=abcdefX,s=!!,i=4096'))).toBe('invalid_server_message');
    expect(await scramCode(() => client().clientFinalMessage('m=ext,r=abcdefX,s=AAAA,i=1'))).toBe('invalid_server_message');
    expect(await scramCode(() => client().clientFinalMessage('r=abcdefX,i=1'))).toBe('invalid_server_message');
  });

  it('derives the salted password once per salt and iteration count', async () => {
    const password = new ScramPassword('pencil');
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    expect(password.saltedPassword(salt, 4096)).toBe(password.saltedPassword(salt, 4096));
    expect(await password.saltedPassword(salt, 4096)).not.toEqual(await password.saltedPassword(salt, 4097));
  });

  it('SASLprep maps and normalises non-ASCII passwords, and leaves the rest as Postgres does', () => {
    expect(saslprepForPostgres('pencil')).toBe('pencil');
    expect(saslprepForPostgres('I\u00ADX')).toBe('IX');
    expect(saslprepForPostgres('\u2168')).toBe('IX');
    expect(saslprepForPostgres('a\u00A0b')).toBe('a b');
    // Prohibited or bidi-violating input: Postgres falls back to the password as given.
    expect(saslprepForPostgres('\u00E9\u0007')).toBe('\u00E9\u0007');
    expect(saslprepForPostgres('\u0627\u0031')).toBe('\u0627\u0031');
    expect(saslprepForPostgres('\u0627\u0031\u0628')).toBe('\u0627\u0031\u0628');
  });

  it('md5: "md5" + md5(md5(password + user) + salt)', () => {
    // md5("postgrespostgres") is the widely published stored hash of user postgres with password postgres.
    const salt = Buffer.from([0x9f, 0x00, 0x41, 0xff]);
    const outer = createHash('md5').update(Buffer.concat([Buffer.from('3175bce1d3201d16594cebf9d7eb3f9d'), salt])).digest('hex');
    expect(md5PasswordResponse('postgres', 'postgres', salt)).toBe(`md5${outer}`);
    expect(() => md5PasswordResponse('alice', 'secret', Buffer.from([1, 2, 3]))).toThrow(/4 bytes/);
  });
});

/**
 * Per-user authentication methods, installed into the shared harness' trust-only cluster through SQL (the server
 * writes its own pg_hba.conf, then reloads it): the unix socket stays trusted for the harness' psql.
 */
const PG_HBA_LINES = [
  'local all all trust',
  'host all scram_user,scram_nonascii 127.0.0.1/32 scram-sha-256',
  'host all md5_user 127.0.0.1/32 md5',
  'host all all 127.0.0.1/32 trust',
];

async function requirePasswords(pg: PostgresServer): Promise<void> {
  const hbaFile = (await pg.psql('SHOW hba_file')).trim();
  const lines = PG_HBA_LINES.map((line) => `'${line}'`).join(', ');
  await pg.psql(`COPY (SELECT unnest(ARRAY[${lines}])) TO '${hbaFile}'; SELECT pg_reload_conf();`);
  // The reload is a signal: wait until a new connection is actually asked for a password.
  for (let attempt = 0; ; attempt++) {
    const connection = await WireConnection.open(pg);
    connection.send(fe.startupMessage({ user: 'scram_user', database: 'postgres' }));
    const first = await connection.next();
    connection.destroy();
    if (first.name === 'authenticationSASL') return;
    if (attempt > 100) throw new Error('pg_hba.conf was not reloaded');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Backend = BackendMessage & Record<string, any>;

/** A raw protocol connection: our frontend bytes out, pg-protocol's reading of the server's bytes in. */
class WireConnection {
  private readonly received: Backend[] = [];
  private wake: (() => void) | null = null;
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    const parser = new BackendParser();
    socket.on('data', (chunk) =>
      parser.parse(chunk, (message) => {
        this.received.push(message as Backend);
        this.wake?.();
      }),
    );
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static async open(pg: PostgresServer): Promise<WireConnection> {
    const socket = net.connect(pg.port, pg.host);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new WireConnection(socket);
  }

  send(...messages: Buffer[]): void {
    this.socket.write(Buffer.concat(messages));
  }

  /** The next message; fails instead of hanging when the server closes or goes silent. */
  async next(): Promise<Backend> {
    const deadline = Date.now() + 15_000;
    while (this.received.length === 0) {
      if (this.closed) throw new Error('server closed the connection');
      if (Date.now() > deadline) throw new Error('no message from the server within 15 s');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.received.shift()!;
  }

  /** Messages up to and including the first with that name. */
  async until(name: string): Promise<Backend[]> {
    const messages: Backend[] = [];
    for (;;) {
      const message = await this.next();
      messages.push(message);
      if (message.name === name) return messages;
    }
  }

  close(): void {
    this.socket.end(fe.terminate());
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Logs in the way the shim will: whatever method the server asks for, then up to ReadyForQuery. */
async function login(pg: PostgresServer, user: string, password: string): Promise<{ connection: WireConnection; messages: Backend[] }> {
  const connection = await WireConnection.open(pg);
  connection.send(fe.startupMessage({ user, database: 'postgres', client_encoding: 'UTF8' }));
  const messages: Backend[] = [];
  let scram: ScramClient | null = null;
  for (;;) {
    const message = await connection.next();
    messages.push(message);
    switch (message.name) {
      case 'authenticationSASL':
        expect(message.mechanisms).toContain('SCRAM-SHA-256');
        scram = new ScramClient(new ScramPassword(password));
        connection.send(fe.saslInitialResponse('SCRAM-SHA-256', Buffer.from(scram.clientFirstMessage)));
        break;
      case 'authenticationSASLContinue':
        connection.send(fe.saslResponse(Buffer.from(await scram!.clientFinalMessage(message.data))));
        break;
      case 'authenticationSASLFinal':
        scram!.verifyServerFinal(message.data);
        break;
      case 'authenticationOk':
        if (scram !== null) expect(scram.verified).toBe(true);
        break;
      case 'authenticationMD5Password':
        connection.send(fe.passwordMessage(md5PasswordResponse(user, password, message.salt)));
        break;
      case 'authenticationCleartextPassword':
        connection.send(fe.passwordMessage(password));
        break;
      case 'readyForQuery':
      case 'error':
        return { connection, messages };
    }
  }
}

describe('against a real PostgreSQL 15', () => {
  let pg: PostgresServer;

  beforeAll(async () => {
    pg = await startPostgres();
    await pg.psql(
      "SET client_encoding = 'UTF8';" +
        "SET password_encryption = 'scram-sha-256';" +
        "CREATE ROLE scram_user LOGIN PASSWORD 'scram-pw';" +
        "CREATE ROLE scram_nonascii LOGIN PASSWORD 'Ⅸ-pässwort';" +
        "SET password_encryption = 'md5';" +
        "CREATE ROLE md5_user LOGIN PASSWORD 'md5-pw';",
    );
    await requirePasswords(pg);
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it('logs in with SCRAM-SHA-256 and verifies the server', async () => {
    const { connection, messages } = await login(pg, 'scram_user', 'scram-pw');
    const names = messages.map((m) => m.name);
    expect(names.slice(0, 4)).toEqual(['authenticationSASL', 'authenticationSASLContinue', 'authenticationSASLFinal', 'authenticationOk']);
    expect(names).toContain('backendKeyData');
    expect(messages.find((m) => m.name === 'parameterStatus' && m.parameterName === 'server_version')?.parameterValue).toMatch(/^15\./);
    expect(messages.at(-1)).toMatchObject({ name: 'readyForQuery', status: 'I' });
    connection.close();
  });

  it('is refused with the wrong SCRAM password', async () => {
    const { connection, messages } = await login(pg, 'scram_user', 'not-the-password');
    expect(messages.at(-1)).toMatchObject({ name: 'error', code: '28P01' });
    connection.close();
  });

  it('applies SASLprep like the server: a non-ASCII password and its normalised form both work', async () => {
    for (const password of ['Ⅸ-pässwort', 'IX-pässwort', 'I\u00ADX-pa\u0308sswort']) {
      const { connection, messages } = await login(pg, 'scram_nonascii', password);
      expect(messages.at(-1), password).toMatchObject({ name: 'readyForQuery' });
      connection.close();
    }
  });

  it('logs in with md5, whose stored hash is md5(password + user)', async () => {
    expect((await pg.psql("SELECT rolpassword FROM pg_authid WHERE rolname = 'md5_user'")).trim()).toBe(
      'md5' + createHash('md5').update('md5-pwmd5_user').digest('hex'),
    );
    const { connection, messages } = await login(pg, 'md5_user', 'md5-pw');
    expect(messages.map((m) => m.name)).toContain('authenticationMD5Password');
    expect(messages.at(-1)).toMatchObject({ name: 'readyForQuery', status: 'I' });
    connection.close();
    const wrong = await login(pg, 'md5_user', 'nope');
    expect(wrong.messages.at(-1)).toMatchObject({ name: 'error', code: '28P01' });
    wrong.connection.close();
  });

  it('runs a simple query with several statements', async () => {
    const { connection } = await login(pg, 'scram_user', 'scram-pw');
    connection.send(fe.query("SELECT 1 AS one; SELECT 'é'::text AS e, NULL::int AS n"));
    const messages = await connection.until('readyForQuery');
    expect(messages.map((m) => m.name)).toEqual([
      'rowDescription', 'dataRow', 'commandComplete', 'rowDescription', 'dataRow', 'commandComplete', 'readyForQuery',
    ]);
    expect(messages[1]!.fields).toEqual(['1']);
    expect(messages[4]!.fields).toEqual(['é', null]);
    expect(messages[5]).toMatchObject({ text: 'SELECT 1' });
    connection.close();
  });

  it('runs a pipelined extended-protocol round, forwarded byte for byte after our own parse', async () => {
    const { connection } = await login(pg, 'scram_user', 'scram-pw');
    const clientBytes = Buffer.concat([
      fe.parse({ statement: 'add', text: 'SELECT $1::int4 + $2 AS sum, g FROM generate_series(1, 3) g', paramTypes: [23, 23] }),
      fe.describe('S', 'add'),
      fe.bind({ portal: 'p', statement: 'add', paramFormats: [1, 0], values: [int4(40), Buffer.from('2')], resultFormats: [0] }),
      fe.describe('P', 'p'),
      fe.execute('p', 2),
      fe.execute('p', 0),
      fe.close('P', 'p'),
      fe.close('S', 'add'),
      fe.sync(),
    ]);
    // What the shim will do: parse the client's bytes, then forward each message's raw bytes.
    const parser = typedParser();
    const parsed = [...clientBytes].reduce<FrontendMessage[]>((all, _byte, i) => all.concat(parser.push(clientBytes.subarray(i, i + 1))), []);
    expect(parsed.map((m) => m.type)).toEqual(['parse', 'describe', 'bind', 'describe', 'execute', 'execute', 'close', 'close', 'sync']);
    connection.send(...parsed.map((m) => m.raw));

    const messages = await connection.until('readyForQuery');
    expect(messages.map((m) => m.name)).toEqual([
      'parseComplete', 'parameterDescription', 'rowDescription', 'bindComplete', 'rowDescription',
      'dataRow', 'dataRow', 'portalSuspended', 'dataRow', 'commandComplete', 'closeComplete', 'closeComplete', 'readyForQuery',
    ]);
    expect(messages[1]!.dataTypeIDs).toEqual([23, 23]);
    expect(messages[5]!.fields).toEqual(['42', '1']);
    expect(messages[8]!.fields).toEqual(['42', '3']);
    connection.close();
  });

  it('reports an error in an extended round and skips to Sync, as the shim must mirror', async () => {
    const { connection } = await login(pg, 'scram_user', 'scram-pw');
    connection.send(
      fe.parse({ statement: '', text: 'SELECT * FROM no_such_table', paramTypes: [] }),
      fe.bind({ portal: '', statement: '', paramFormats: [], values: [], resultFormats: [] }),
      fe.execute('', 0),
      fe.sync(),
      fe.query('SELECT 2'),
    );
    const first = await connection.until('readyForQuery');
    expect(first.map((m) => m.name)).toEqual(['error', 'readyForQuery']);
    expect(first[0]).toMatchObject({ code: '42P01' });
    const second = await connection.until('readyForQuery');
    expect(second[1]!.fields).toEqual(['2']);
    connection.close();
  });

  it('cancels a running query with CancelRequest', async () => {
    const { connection, messages } = await login(pg, 'scram_user', 'scram-pw');
    const key = messages.find((m) => m.name === 'backendKeyData')!;
    connection.send(fe.query('SELECT pg_sleep(30)'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const canceller = net.connect(pg.port, pg.host);
    await new Promise((resolve) => canceller.once('connect', resolve));
    canceller.end(fe.cancelRequest(key.processID, key.secretKey));
    const startedAt = Date.now();
    const result = await connection.until('readyForQuery');
    expect(result.find((m) => m.name === 'error')).toMatchObject({ code: '57014', message: expect.stringMatching(/cancel/) });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    connection.close();
  });

  it('answers N to SSLRequest when it has no TLS, then accepts the StartupMessage', async () => {
    const socket = net.connect(pg.port, pg.host);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(fe.sslRequest());
    const answer = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
    expect(answer).toEqual(Buffer.from('N'));
    socket.write(fe.startupMessage({ user: 'postgres', database: 'postgres' }));
    const reply = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
    expect(parseBackend(reply)[0]).toMatchObject({ name: 'authenticationOk' });
    socket.end(fe.terminate());
  });

  it('parses everything real clients send: psql and pgbench (extended and prepared) through a tap', async () => {
    const seen: FrontendMessage['type'][] = [];
    const refusals: unknown[] = [];
    const tap = net.createServer((client) => {
      const upstream = net.connect(pg.port, pg.host);
      const parser = new FrontendParser();
      client.on('data', (chunk) => {
        try {
          seen.push(...parser.push(chunk).map((m) => m.type));
        } catch (error) {
          refusals.push(error);
        }
        upstream.write(chunk);
      });
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => tap.listen(0, '127.0.0.1', resolve));
    const tapPort = String((tap.address() as net.AddressInfo).port);
    try {
      const env = { ...process.env, PGPASSWORD: 'scram-pw', PGHOST: '127.0.0.1', PGPORT: tapPort, PGDATABASE: 'postgres' };
      const { stdout } = await execFileAsync('psql', ['-U', 'scram_user', '-Atc', 'SELECT 40 + 2; SELECT current_user'], { env });
      expect(stdout.trim().split('\n')).toEqual(['42', 'scram_user']);
      await execFileAsync('pgbench', ['-U', 'postgres', '-i', '-s', '1', '-q'], { env });
      for (const mode of ['extended', 'prepared']) {
        await execFileAsync('pgbench', ['-U', 'postgres', '-S', '-M', mode, '-c', '2', '-t', '25', '-n'], { env });
      }
    } finally {
      await new Promise((resolve) => tap.close(resolve));
    }
    expect(refusals).toEqual([]);
    for (const type of ['startup', 'password', 'query', 'parse', 'bind', 'describe', 'execute', 'sync', 'copyData', 'copyDone', 'terminate'] as const) {
      expect(seen, type).toContain(type);
    }
  });
});
