// taskgate.yaml: what the decider reads at start. Every key is optional; with no file at all the defaults run a
// decider on localhost with the shipped policies. Mistakes are refused with the file, line and column and what
// to write instead, because a misread security configuration is worse than none.
import { readFile } from 'node:fs/promises';
import YAML, { isMap, isSeq, LineCounter, type Document, type Node } from 'yaml';
import { parseDuration } from './identity/duration.js';

export interface ResourceConfig {
  readonly name: string;
  readonly kind: ResourceKind;
  readonly labels: Readonly<Record<string, string>>;
}

export type ResourceKind = 'postgres' | 'ssh' | 'http';
export const RESOURCE_KINDS: readonly ResourceKind[] = ['postgres', 'ssh', 'http'];

export interface DeciderConfig {
  /** gRPC listen address, host:port. */
  readonly listen: string;
  /** HTTP address for /healthz and /metrics. */
  readonly http: string;
  /** Exactly one of `policies` (a directory) and `bundle` (a .tar.gz) is used; `bundle` wins when both are set. */
  readonly policies: string;
  readonly bundle?: string;
  readonly dataDir: string;
  readonly evaluationTimeoutMs: number;
  /** How long a session lasts when the credential itself sets no end. */
  readonly sessionTtlSeconds: number;
  readonly maxOperationBytes: number;
  /** Reload the policy when its files change. */
  readonly watch: boolean;
}

/**
 * One shim of the `shims` list, as written: types and addresses checked here, the rest (the upstream URL, files)
 * by the shim, which names the key through `where`.
 */
export interface ShimSection {
  readonly name: string;
  readonly kind: ResourceKind;
  readonly listen?: string;
  readonly upstream?: string;
  readonly resource?: string;
  readonly decider?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly hashKeyFile?: string;
  readonly approvalWaitMs?: number;
  /** How long a session reuses a decision for the same statement (shims/postgres/decision-lease.ts). */
  readonly decisionLeaseMs?: number;
  /** `file:line:col: shims[i].key` for a key of this shim, for errors about its value. */
  where(key: string): string;
}

export interface TaskgateConfig {
  readonly decider: DeciderConfig;
  readonly resources: readonly ResourceConfig[];
  readonly shims: readonly ShimSection[];
  /** The `identity` section as written; decider/identity validates it. */
  readonly identity: unknown;
  /** The `approvals` section as written (webhook URL and secret); decider/approvals/config.ts validates it. */
  readonly approvals: unknown;
  /** Where it came from, for log lines: a path, or `defaults`. */
  readonly origin: string;
}

export const DEFAULT_DECIDER_CONFIG: DeciderConfig = {
  listen: '127.0.0.1:7070',
  http: '127.0.0.1:7071',
  policies: 'policies',
  dataDir: 'var',
  evaluationTimeoutMs: 250,
  sessionTtlSeconds: 12 * 3600,
  maxOperationBytes: 1024 * 1024,
  watch: true,
};

export function defaultConfig(): TaskgateConfig {
  return { decider: DEFAULT_DECIDER_CONFIG, resources: [], shims: [], identity: undefined, approvals: undefined, origin: 'defaults' };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const TOP_LEVEL_KEYS = ['decider', 'identity', 'resources', 'shims', 'approvals'];
const DECIDER_KEYS = ['listen', 'http', 'policies', 'bundle', 'data_dir', 'evaluation_timeout', 'session_ttl', 'max_operation_bytes', 'watch'];
const RESOURCE_KEYS = ['name', 'kind', 'labels'];
const SHIM_KEYS = ['name', 'kind', 'listen', 'upstream', 'resource', 'decider', 'tls_cert', 'tls_key', 'hash_key_file', 'approval_wait', 'decision_lease'];

/** Reads and validates a taskgate.yaml. Throws ConfigError naming file:line:col. */
export async function loadConfigFile(file: string): Promise<TaskgateConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseConfig(text, file);
}

/** Validates configuration text; `file` is used in messages. */
export function parseConfig(text: string, file: string): TaskgateConfig {
  const lines = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const at = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    if (offset === undefined) return file;
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    throw new ConfigError(`${pos ? `${file}:${pos.line}:${pos.col}` : file}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  const v = new Validator(doc, at);
  if (doc.contents === null) return { ...defaultConfig(), origin: file };
  v.mapping([], TOP_LEVEL_KEYS);
  return {
    decider: deciderSection(v),
    resources: resourcesSection(v),
    shims: shimsSection(v),
    identity: doc.getIn(['identity']) === undefined ? undefined : (doc.toJS() as Record<string, unknown>).identity,
    approvals: doc.getIn(['approvals']) === undefined ? undefined : (doc.toJS() as Record<string, unknown>).approvals,
    origin: file,
  };
}

function deciderSection(v: Validator): DeciderConfig {
  const d = DEFAULT_DECIDER_CONFIG;
  if (!v.has(['decider'])) return d;
  v.mapping(['decider'], DECIDER_KEYS);
  const path = (key: string) => ['decider', key];
  const listen = v.address(path('listen')) ?? d.listen;
  const http = v.address(path('http')) ?? d.http;
  return {
    listen,
    http,
    policies: v.string(path('policies')) ?? d.policies,
    bundle: v.string(path('bundle')),
    dataDir: v.string(path('data_dir')) ?? d.dataDir,
    evaluationTimeoutMs: v.durationMs(path('evaluation_timeout')) ?? d.evaluationTimeoutMs,
    sessionTtlSeconds: v.durationSeconds(path('session_ttl')) ?? d.sessionTtlSeconds,
    maxOperationBytes: v.positiveInteger(path('max_operation_bytes')) ?? d.maxOperationBytes,
    watch: v.boolean(path('watch')) ?? d.watch,
  };
}

function resourcesSection(v: Validator): ResourceConfig[] {
  if (!v.has(['resources'])) return [];
  const count = v.sequenceLength(['resources']);
  const resources: ResourceConfig[] = [];
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const path = ['resources', i];
    v.mapping(path, RESOURCE_KEYS);
    const name = v.requiredString([...path, 'name']);
    if (names.has(name)) v.fail([...path, 'name'], `resource "${name}" is configured twice`);
    names.add(name);
    const kind = v.requiredString([...path, 'kind']);
    if (!(RESOURCE_KINDS as readonly string[]).includes(kind)) {
      v.fail([...path, 'kind'], `resource kind "${kind}" is not one of ${RESOURCE_KINDS.join(', ')}`);
    }
    resources.push({ name, kind: kind as ResourceKind, labels: v.stringMap([...path, 'labels']) });
  }
  return resources;
}

function shimsSection(v: Validator): ShimSection[] {
  if (!v.has(['shims'])) return [];
  const count = v.sequenceLength(['shims']);
  const shims: ShimSection[] = [];
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const path = ['shims', i];
    const key = (name: string) => [...path, name];
    v.mapping(path, SHIM_KEYS);
    const kind = v.requiredString(key('kind'));
    if (kind !== 'postgres') v.fail(key('kind'), `shim kind "${kind}" is not supported yet (known: postgres)`);
    const resource = v.string(key('resource'));
    // A shim is named by its resource unless several guard the same one.
    const name = v.string(key('name')) ?? resource;
    if (name === undefined) v.fail(path, 'needs "name" or "resource"');
    if (names.has(name)) v.fail(key('name'), `shim "${name}" is configured twice; give each a distinct name`);
    names.add(name);
    const tlsCert = v.string(key('tls_cert'));
    const tlsKey = v.string(key('tls_key'));
    if ((tlsCert === undefined) !== (tlsKey === undefined)) v.fail(path, 'give tls_cert and tls_key together');
    shims.push({
      name,
      kind,
      listen: v.address(key('listen')),
      upstream: v.string(key('upstream')),
      resource,
      decider: v.address(key('decider')),
      tlsCert,
      tlsKey,
      hashKeyFile: v.string(key('hash_key_file')),
      approvalWaitMs: secondsToMs(v.durationSeconds(key('approval_wait'))),
      decisionLeaseMs: secondsToMs(v.durationSeconds(key('decision_lease'))),
      where: (setting) => v.where(key(setting)),
    });
  }
  return shims;
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

type Path = ReadonlyArray<string | number>;

/** Reads typed values out of the document, failing with the position of the offending node. */
class Validator {
  constructor(
    private readonly doc: Document,
    private readonly at: (node: Node | null | undefined) => string,
  ) {}

  fail(path: Path, message: string): never {
    throw new ConfigError(`${this.where(path)}: ${message}`);
  }

  /** `file:line:col: key.path` of a node (the file alone when it is not written). */
  where(path: Path): string {
    return `${this.at(this.node(path))}: ${pathText(path)}`;
  }

  has(path: Path): boolean {
    return this.doc.hasIn(path) && this.doc.getIn(path) !== null;
  }

  mapping(path: Path, allowed: readonly string[]): void {
    const node = path.length === 0 ? this.doc.contents : this.node(path);
    if (!isMap(node)) this.fail(path, 'must be a mapping of keys to values');
    for (const pair of node.items) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      if (!allowed.includes(key)) {
        throw new ConfigError(`${this.at(pair.key as Node)}: unknown key "${key}"${path.length ? ` in ${pathText(path)}` : ''} (known: ${allowed.join(', ')})`);
      }
    }
  }

  sequenceLength(path: Path): number {
    const node = this.node(path);
    if (!isSeq(node)) this.fail(path, 'must be a list');
    return node.items.length;
  }

  string(path: Path): string | undefined {
    if (!this.has(path)) return undefined;
    const value = this.doc.getIn(path);
    if (typeof value !== 'string' || value === '') this.fail(path, 'must be a non-empty string');
    return value;
  }

  requiredString(path: Path): string {
    const value = this.string(path);
    if (value === undefined) this.fail(path.slice(0, -1), `needs "${path[path.length - 1]}"`);
    return value;
  }

  boolean(path: Path): boolean | undefined {
    if (!this.has(path)) return undefined;
    const value = this.doc.getIn(path);
    if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
    return value;
  }

  positiveInteger(path: Path): number | undefined {
    if (!this.has(path)) return undefined;
    const value = this.doc.getIn(path);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) this.fail(path, 'must be a positive integer');
    return value;
  }

  address(path: Path): string | undefined {
    const value = this.string(path);
    if (value !== undefined && parseAddress(value) === undefined) this.fail(path, `"${value}" is not host:port`);
    return value;
  }

  /** `250ms`, or the durations decider/identity accepts (`90s`, `15m`). */
  durationMs(path: Path): number | undefined {
    const value = this.string(path);
    if (value === undefined) return undefined;
    const ms = /^(\d+)ms$/.exec(value);
    if (ms) {
      if (Number(ms[1]) === 0) this.fail(path, 'must be longer than 0ms');
      return Number(ms[1]);
    }
    return this.toSeconds(path, value) * 1000;
  }

  durationSeconds(path: Path): number | undefined {
    const value = this.string(path);
    return value === undefined ? undefined : this.toSeconds(path, value);
  }

  stringMap(path: Path): Record<string, string> {
    if (!this.has(path)) return {};
    const value = this.doc.getIn(path);
    if (!isMap(value)) this.fail(path, 'must be a mapping of names to strings');
    const out: Record<string, string> = {};
    for (const [key, v] of Object.entries((value as { toJSON(): Record<string, unknown> }).toJSON())) {
      if (typeof v !== 'string') this.fail([...path, key], 'must be a string (quote numbers and booleans)');
      out[key] = v;
    }
    return out;
  }

  private toSeconds(path: Path, text: string): number {
    const parsed = parseDuration(text);
    if ('error' in parsed) this.fail(path, parsed.error);
    if (parsed.seconds === 0) this.fail(path, 'must be longer than 0s');
    return parsed.seconds;
  }

  private node(path: Path): Node | null | undefined {
    return this.doc.getIn(path, true) as Node | null | undefined;
  }
}

function pathText(path: Path): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

/** `host:port` (IPv6 as `[::1]:7070`) with a port in 0..65535; undefined when it is not one. */
export function parseAddress(text: string): { host: string; port: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}
