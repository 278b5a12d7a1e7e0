// The shim's own connection to Postgres: TCP or Unix-domain socket (upstream-socket.ts), StartupMessage, authentication with the shim's credentials
// (trust, cleartext, md5, SCRAM-SHA-256), up to the first ReadyForQuery. The client never sees these credentials.
import type { Socket } from 'node:net';
import type { AuthenticationMD5Password, BackendKeyDataMessage, DatabaseError } from 'pg-protocol/dist/messages.js';
import * as frontend from './protocol/frontend-serializer.js';
import { md5PasswordResponse } from './protocol/md5-password.js';
import { SCRAM_SHA_256, ScramClient, type ScramPassword } from './protocol/scram.js';
import { BackendFramer, BackendType, decodeBackend, transactionStatusOf, type BackendFrame } from './backend-frames.js';
import type { UpstreamConfig } from './config.js';
import { connectUpstream, unreachable } from './upstream-socket.js';

export class UpstreamError extends Error {
  constructor(
    message: string,
    /** The SQLSTATE to give the client: what Postgres said, or 08006 when the connection itself failed. */
    readonly sqlState = '08006',
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface UpstreamLogin {
  readonly socket: Socket;
  readonly framer: BackendFramer;
  /** ParameterStatus messages as Postgres sent them, to relay to the client unchanged. */
  readonly parameterStatus: readonly Buffer[];
  readonly processId: number;
  readonly secretKey: number;
  /** Frames that arrived after ReadyForQuery in the same read (normally none). */
  readonly leftover: readonly BackendFrame[];
}

const LOGIN_TIMEOUT_MS = 10_000;

/** Reads whole backend frames from a socket, one await at a time. */
class FrameReader {
  private readonly queue: BackendFrame[] = [];
  private waiter: { resolve: (f: BackendFrame) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  readonly framer = new BackendFramer();

  constructor(
    private readonly socket: Socket,
    private readonly config: UpstreamConfig,
  ) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  next(): Promise<BackendFrame> {
    const frame = this.queue.shift();
    if (frame) return Promise.resolve(frame);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  detach(): BackendFrame[] {
    this.socket.off('data', this.onData);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
    return this.queue.splice(0);
  }

  private readonly onData = (chunk: Buffer) => {
    try {
      for (const frame of this.framer.push(chunk)) this.deliver(frame);
    } catch (e) {
      this.fail(e as Error);
    }
  };
  private readonly onError = (e: Error) => this.fail(new UpstreamError(unreachable(this.config, e)));
  private readonly onClose = () => this.fail(new UpstreamError('Postgres closed the connection during login'));

  private deliver(frame: BackendFrame): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter.resolve(frame);
    else this.queue.push(frame);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }
}

/**
 * Logs in to Postgres. `parameters` are extra startup parameters (application_name ...); user and database come
 * from the configuration only. Rejects with UpstreamError, and never leaves the socket open on failure.
 */
export async function loginUpstream(
  config: UpstreamConfig,
  scramPassword: ScramPassword | undefined,
  parameters: ReadonlyMap<string, string> = new Map(),
): Promise<UpstreamLogin> {
  const socket = connectUpstream(config);
  const reader = new FrameReader(socket, config);
  const timer = setTimeout(() => socket.destroy(new Error(`no login answer within ${LOGIN_TIMEOUT_MS} ms`)), LOGIN_TIMEOUT_MS);
  try {
    socket.write(frontend.startupMessage(new Map([...parameters, ['user', config.user], ['database', config.database]])));
    await authenticate(reader, socket, config, scramPassword);
    const parameterStatus: Buffer[] = [];
    let processId = 0;
    let secretKey = 0;
    for (;;) {
      const frame = await reader.next();
      if (frame.code === BackendType.parameterStatus) parameterStatus.push(frame.raw);
      else if (frame.code === BackendType.backendKeyData) {
        const key = decodeBackend<BackendKeyDataMessage>(frame);
        processId = key.processID;
        secretKey = key.secretKey;
      } else if (frame.code === BackendType.errorResponse) throw serverError(frame);
      else if (frame.code === BackendType.readyForQuery) {
        transactionStatusOf(frame);
        break;
      }
    }
    return { socket, framer: reader.framer, parameterStatus, processId, secretKey, leftover: reader.detach() };
  } catch (e) {
    reader.detach();
    socket.destroy();
    throw e instanceof UpstreamError ? e : new UpstreamError(`login to Postgres failed: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

async function authenticate(reader: FrameReader, socket: Socket, config: UpstreamConfig, scramPassword: ScramPassword | undefined): Promise<void> {
  let scram: ScramClient | undefined;
  for (;;) {
    const frame = await reader.next();
    if (frame.code === BackendType.errorResponse) throw serverError(frame);
    if (frame.code !== BackendType.authentication) throw new UpstreamError(`Postgres sent ${String.fromCharCode(frame.code)} before authentication finished`);
    const kind = frame.raw.readInt32BE(5);
    switch (kind) {
      case 0:
        if (scram && !scram.verified) throw new UpstreamError('Postgres accepted the login without proving it knows the password (SCRAM)');
        return;
      case 3:
        socket.write(frontend.passwordMessage(requirePassword(config)));
        break;
      case 5: {
        const { salt } = decodeBackend<AuthenticationMD5Password>(frame);
        socket.write(frontend.passwordMessage(md5PasswordResponse(config.user, requirePassword(config), salt)));
        break;
      }
      case 10: {
        const mechanisms = frame.raw.subarray(9).toString('utf8').split('\0').filter(Boolean);
        if (!mechanisms.includes(SCRAM_SHA_256)) throw new UpstreamError(`Postgres offers only ${mechanisms.join(', ')}; the shim speaks ${SCRAM_SHA_256}`);
        if (!scramPassword) throw new UpstreamError('Postgres asks for a password, but --upstream has none');
        scram = new ScramClient(scramPassword);
        socket.write(frontend.saslInitialResponse(SCRAM_SHA_256, Buffer.from(scram.clientFirstMessage)));
        break;
      }
      case 11:
        if (!scram) throw new UpstreamError('SASL continue without SASL start');
        socket.write(frontend.saslResponse(Buffer.from(await scram.clientFinalMessage(frame.raw.subarray(9).toString('utf8')))));
        break;
      case 12:
        if (!scram) throw new UpstreamError('SASL final without SASL start');
        scram.verifyServerFinal(frame.raw.subarray(9).toString('utf8'));
        break;
      default:
        throw new UpstreamError(`Postgres asks for authentication method ${kind}, which the shim does not support`);
    }
  }
}

function requirePassword(config: UpstreamConfig): string {
  if (config.password === undefined) throw new UpstreamError('Postgres asks for a password, but --upstream has none');
  return config.password;
}

function serverError(frame: BackendFrame): UpstreamError {
  const error = decodeBackend<DatabaseError>(frame);
  return new UpstreamError(`Postgres refused the shim's login: ${error.message}`, error.code ?? '08006');
}
