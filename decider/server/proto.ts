// The gRPC API, loaded from proto/ at run time (no generated code): the .proto files are the one source of truth.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

const DECIDER_PROTO = 'taskgate/v1/decider.proto';
const HEALTH_PROTO = 'grpc/health/v1/health.proto';

/** uint64 ids as strings (JS numbers lose precision past 2^53); enums by name; absent fields as their defaults. */
export const PROTO_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

/** proto/ sits at the project root, two levels above this file in the sources and three in dist/. */
export function protoRoot(): string {
  for (const up of ['../../proto/', '../../../proto/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(`${dir}${DECIDER_PROTO}`)) return dir;
  }
  throw new Error(`cannot find ${DECIDER_PROTO} above ${fileURLToPath(import.meta.url)}`);
}

export interface Protos {
  readonly decider: ServiceClientConstructor;
  readonly health: ServiceClientConstructor;
}

let loaded: Protos | undefined;

export function loadProtos(): Protos {
  if (loaded) return loaded;
  const root = protoRoot();
  const definition = loadSync([DECIDER_PROTO, HEALTH_PROTO], { ...PROTO_OPTIONS, includeDirs: [root] });
  const grpcObject = loadPackageDefinition(definition);
  const at = (path: string) => path.split('.').reduce<unknown>((o, k) => (o as GrpcObject)[k], grpcObject) as ServiceClientConstructor;
  loaded = { decider: at('taskgate.v1.Decider'), health: at('grpc.health.v1.Health') };
  return loaded;
}

export function deciderService(): ServiceDefinition {
  return loadProtos().decider.service;
}

export function healthService(): ServiceDefinition {
  return loadProtos().health.service;
}

/** Wire shapes, as proto-loader gives them with PROTO_OPTIONS (snake_case, uint64 as string). */
export interface OpenSessionRequest {
  credential: string;
  resource: string;
  kind: string;
  source_ip: string;
  shim_id: string;
}

export interface OpenSessionResponse {
  session_id: string;
  identity_json: string;
  task_json: string;
  expires_at: string;
}

export interface DecideRequest {
  request_id: string;
  session_id: string;
  operation_json: string;
  approval_id: string;
  parameters_json: string;
}

export interface DecisionMessage {
  request_id: string;
  verdict: string;
  reasons: string[];
  masks_json: string;
  approval_json: string;
  audit_seq: string;
  policy_revision: string;
  error_code: string;
  error_message: string;
  approval_id: string;
}

/** DecideStream's messages: requests a client had at hand together, answers that committed together. */
export interface DecideBatch {
  requests: DecideRequest[];
}

export interface DecisionBatch {
  decisions: DecisionMessage[];
}

export interface CloseSessionRequest {
  session_id: string;
  summary_json: string;
}

export interface ListApprovalsRequest {
  pending_only: boolean;
}

export interface ListApprovalsResponse {
  approvals: ApprovalReply[];
}

export interface VoteRequest {
  approval_id: string;
  credential: string;
  reason: string;
}

export interface WatchApprovalRequest {
  approval_id: string;
  session_id: string;
}

export interface ApprovalReply {
  approval_id: string;
  status: string;
  approved_by: string[];
  denied_by: string;
  usable_until: string;
  approval_json: string;
  error_code: string;
  error_message: string;
}

export const DECIDER_SERVICE_NAME = 'taskgate.v1.Decider';
