import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { saslprepForPostgres } from './saslprep.js';

/**
 * The client side of SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash), without channel binding, as the shim uses it to
 * log in to Postgres with its own credentials. Postgres takes the user from the StartupMessage, so the SCRAM user
 * name is normally empty, as libpq sends it.
 */

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

export type ScramErrorCode =
  /** A server message that does not follow the SCRAM grammar. */
  | 'invalid_server_message'
  /** The server nonce does not extend ours: not the exchange we started. */
  | 'nonce_mismatch'
  /** An iteration count outside 1..maxIterations: refused rather than spend unbounded CPU on it. */
  | 'iterations_out_of_range'
  /** The server answered `e=...`. */
  | 'server_rejected'
  /** The server could not prove it knows the password: it may be an impostor. */
  | 'server_signature_mismatch'
  /** A step called out of order. */
  | 'out_of_order';

export class ScramError extends Error {
  constructor(
    readonly code: ScramErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ScramError';
  }
}

const pbkdf2Async = promisify(pbkdf2);
/** No channel binding, none requested: "n", no authzid. */
const GS2_HEADER = 'n,,';
const DEFAULT_MAX_ITERATIONS = 1_000_000;

/**
 * The password and the keys derived from it. Deriving is deliberately slow (PBKDF2, thousands of rounds), and a
 * shim logs in with the same password, salt and count on every connection: keep one of these per upstream and the
 * cost is paid once, off the event loop.
 */
export class ScramPassword {
  private readonly derived = new Map<string, Promise<Buffer>>();
  private readonly prepared: string;

  constructor(password: string) {
    this.prepared = saslprepForPostgres(password);
  }

  saltedPassword(salt: Buffer, iterations: number): Promise<Buffer> {
    const key = `${iterations}:${salt.toString('base64')}`;
    let salted = this.derived.get(key);
    if (salted === undefined) {
      salted = pbkdf2Async(this.prepared, salt, iterations, 32, 'sha256');
      this.derived.set(key, salted);
      // A failed derivation must not be remembered as the answer for every later login.
      salted.catch(() => this.derived.delete(key));
    }
    return salted;
  }
}

interface ServerFirst {
  readonly nonce: string;
  readonly salt: Buffer;
  readonly iterations: number;
}

export interface ScramClientOptions {
  readonly username?: string;
  /** Only for tests that replay a known exchange; otherwise 18 random bytes. */
  readonly clientNonce?: string;
  readonly maxIterations?: number;
}

/** One exchange: `clientFirstMessage`, then `clientFinalMessage(serverFirst)`, then `verifyServerFinal`. */
export class ScramClient {
  private readonly clientNonce: string;
  private readonly clientFirstBare: string;
  private readonly maxIterations: number;
  private expectedServerSignature: Buffer | null = null;
  private serverVerified = false;

  constructor(
    private readonly password: ScramPassword,
    options: ScramClientOptions = {},
  ) {
    this.clientNonce = options.clientNonce ?? randomBytes(18).toString('base64');
    this.clientFirstBare = `n=${escapeSaslName(options.username ?? '')},r=${this.clientNonce}`;
    this.maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  }

  /**
   * True once the server proved it knows the password. An AuthenticationOk that arrives before then comes from a
   * server skipping the last step of mutual authentication: the shim must refuse it, as libpq does.
   */
  get verified(): boolean {
    return this.serverVerified;
  }

  /** The SASLInitialResponse data. */
  get clientFirstMessage(): string {
    return GS2_HEADER + this.clientFirstBare;
  }

  /** The SASLResponse data answering AuthenticationSASLContinue. */
  async clientFinalMessage(serverFirstMessage: string): Promise<string> {
    const serverFirst = parseServerFirst(serverFirstMessage, this.clientNonce, this.maxIterations);
    const salted = await this.password.saltedPassword(serverFirst.salt, serverFirst.iterations);
    const withoutProof = `c=${Buffer.from(GS2_HEADER).toString('base64')},r=${serverFirst.nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirstMessage},${withoutProof}`;
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const clientSignature = hmac(storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!;
    this.expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Checks AuthenticationSASLFinal: only a server that knows the password can compute this signature. */
  verifyServerFinal(serverFinalMessage: string): void {
    if (this.expectedServerSignature === null) {
      throw new ScramError('out_of_order', 'the server-final message arrived before the client-final message was sent');
    }
    const attributes = parseAttributes(serverFinalMessage);
    const serverError = attributes.get('e');
    if (serverError !== undefined) throw new ScramError('server_rejected', `the server refused: ${serverError}`);
    const verifier = attributes.get('v');
    if (verifier === undefined) throw invalid('server-final message has no "v" attribute');
    const signature = decodeBase64(verifier, 'server signature');
    if (
      signature.length !== this.expectedServerSignature.length ||
      !timingSafeEqual(signature, this.expectedServerSignature)
    ) {
      throw new ScramError('server_signature_mismatch', 'the server signature does not match: the server does not know the password');
    }
    this.serverVerified = true;
  }
}

function parseServerFirst(message: string, clientNonce: string, maxIterations: number): ServerFirst {
  if (message.startsWith('m=')) throw invalid('server-first message asks for a mandatory extension');
  const attributes = parseAttributes(message);
  const nonce = attributes.get('r');
  const salt = attributes.get('s');
  const iterationsText = attributes.get('i');
  if (nonce === undefined || salt === undefined || iterationsText === undefined) {
    throw invalid('server-first message lacks one of r, s, i');
  }
  if (!nonce.startsWith(clientNonce) || nonce.length === clientNonce.length || !/^[\x21-\x2b\x2d-\x7e]+$/.test(nonce)) {
    throw new ScramError('nonce_mismatch', 'the server nonce does not extend the client nonce');
  }
  if (!/^[1-9][0-9]{0,9}$/.test(iterationsText) || Number(iterationsText) > maxIterations) {
    throw new ScramError('iterations_out_of_range', `iteration count ${iterationsText} is not within 1..${maxIterations}`);
  }
  return { nonce, salt: decodeBase64(salt, 'salt'), iterations: Number(iterationsText) };
}

/** `a=value,b=value`: single-letter names, each once. */
function parseAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    if (!/^[A-Za-z]=/.test(part)) throw invalid(`"${part.slice(0, 20)}" is not an attribute`);
    const name = part[0]!;
    if (attributes.has(name)) throw invalid(`attribute "${name}" appears twice`);
    attributes.set(name, part.slice(2));
  }
  return attributes;
}

function decodeBase64(text: string, what: string): Buffer {
  if (text === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw invalid(`${what} is not base64`);
  }
  return Buffer.from(text, 'base64');
}

/** RFC 5802 saslname: ',' and '=' are escaped. */
function escapeSaslName(name: string): string {
  return name.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function invalid(message: string): ScramError {
  return new ScramError('invalid_server_message', message);
}
