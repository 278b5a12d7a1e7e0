// taskgate.yaml for the decider: defaults with no file, every key read, and mistakes refused at their line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DECIDER_CONFIG, loadConfigFile, parseConfig } from '../decider/config.js';
import { validateDecision } from '../decider/engine/decision.js';
import { cli, removeTempDirs, tempDir } from './fixtures/decider/harness.js';

afterAll(removeTempDirs);

function refused(text: string): string {
  try {
    parseConfig(text, 'taskgate.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('taskgate.yaml', () => {
  it('uses working defaults for an empty file', () => {
    expect(parseConfig('', 'taskgate.yaml')).toMatchObject({ decider: DEFAULT_DECIDER_CONFIG, resources: [], origin: 'taskgate.yaml' });
    expect(DEFAULT_DECIDER_CONFIG).toMatchObject({ listen: '127.0.0.1:7070', http: '127.0.0.1:7071', policies: 'policies', dataDir: 'var' });
  });

  it('reads every decider key, resources with labels, and passes identity through', () => {
    const config = parseConfig(
      `decider:
  listen: 0.0.0.0:9090
  http: "[::1]:9091"
  bundle: bundles/taskgate.tar.gz
  data_dir: /srv/taskgate
  evaluation_timeout: 50ms
  session_ttl: 2h
  max_operation_bytes: 65536
  watch: false
resources:
  - name: orders-db
    kind: postgres
    labels: {env: prod, team: orders}
identity:
  oidc: []
`,
      'taskgate.yaml',
    );
    expect(config.decider).toEqual({
      listen: '0.0.0.0:9090', http: '[::1]:9091', policies: 'policies', bundle: 'bundles/taskgate.tar.gz', dataDir: '/srv/taskgate',
      evaluationTimeoutMs: 50, sessionTtlSeconds: 7200, maxOperationBytes: 65536, watch: false,
    });
    expect(config.resources).toEqual([{ name: 'orders-db', kind: 'postgres', labels: { env: 'prod', team: 'orders' } }]);
    expect(config.identity).toEqual({ oidc: [] });
  });

  it.each([
    ['decider:\n  listne: 1.2.3.4:5\n', 'taskgate.yaml:2:3: unknown key "listne" in decider'],
    ['decidr: {}\n', 'taskgate.yaml:1:1: unknown key "decidr"'],
    ['decider:\n  listen: localhost\n', 'taskgate.yaml:2:11: decider.listen: "localhost" is not host:port'],
    ['decider:\n  evaluation_timeout: soon\n', 'decider.evaluation_timeout: "soon" is not a duration'],
    ['decider:\n  watch: "yes"\n', 'decider.watch: must be true or false'],
    ['decider:\n  max_operation_bytes: -1\n', 'decider.max_operation_bytes: must be a positive integer'],
    ['resources:\n  - name: a\n    kind: mysql\n', 'taskgate.yaml:3:11: resources[0].kind: resource kind "mysql" is not one of postgres, ssh, http'],
    ['resources:\n  - kind: ssh\n', 'resources[0]: needs "name"'],
    ['resources:\n  - {name: a, kind: ssh}\n  - {name: a, kind: http}\n', 'resource "a" is configured twice'],
    ['resources:\n  - name: a\n    kind: ssh\n    labels: {port: 22}\n', 'resources[0].labels.port: must be a string'],
    ['decider: [1\n', 'taskgate.yaml:2:1: invalid YAML'],
    ['decider:\n  listen: a:1\n  listen: b:2\n', 'invalid YAML'],
  ])('refuses %j', (text, message) => {
    expect(refused(text)).toContain(message);
  });

  it('names a missing file', async () => {
    await expect(loadConfigFile(join(tempDir(), 'nope.yaml'))).rejects.toThrow(/nope\.yaml: no such file/);
  });

  it('makes `taskgate decider` exit 1 with the error, and refuses conflicting options', async () => {
    const file = join(tempDir(), 'taskgate.yaml');
    writeFileSync(file, 'decider:\n  http: nowhere\n');
    const bad = await cli(['decider', '--config', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${file}:2:9: decider.http: "nowhere" is not host:port`);
    const both = await cli(['decider', '--policies', 'p', '--bundle', 'b.tar.gz']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --policies or --bundle, not both');
    const help = await cli(['decider', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--bundle FILE');
  });
});

describe('decision shape', () => {
  it('accepts the contract examples as they are', () => {
    const approval = { approvers: ['group:dba'], min: 1, ttl_seconds: 900, scope: 'once' };
    expect(validateDecision({ verdict: 'require_approval', reasons: ['r'], mask: [], approval })).toEqual({ verdict: 'require_approval', reasons: ['r'], mask: [], approval });
    const mask = [{ table: 'public.users', column: 'email', method: 'email' }, { path: '$.items[*].email', method: 'partial' }];
    expect(validateDecision({ verdict: 'mask', reasons: [], mask })).toEqual({ verdict: 'mask', reasons: [], mask });
  });

  it.each([
    [null, 'null, not an object'],
    [{ verdict: 'allow', reasons: 'ok' }, 'not a list of strings'],
    [{ verdict: 'allow', reasons: [], mask: {} }, 'its mask is an object'],
    [{ verdict: 'mask', reasons: [], mask: [{ table: 'public.t', method: 'hash' }] }, 'either a table and a column or a JSON path'],
    [{ verdict: 'mask', reasons: [], mask: [{ table: 'public.t', column: 'c', path: '$.a', method: 'hash' }] }, 'either a table and a column'],
    [{ verdict: 'require_approval', reasons: [], mask: [], approval: { approvers: [], min: 1, ttl_seconds: 1, scope: 'once' } }, 'approvers'],
    [{ verdict: 'require_approval', reasons: [], mask: [], approval: { approvers: ['user:a'], min: 2, ttl_seconds: 1, scope: 'once' } }, 'only 1 approvers'],
    [{ verdict: 'require_approval', reasons: [], mask: [], approval: { approvers: ['user:a'], min: 1, ttl_seconds: 0, scope: 'once' } }, 'ttl_seconds'],
    [{ verdict: 'require_approval', reasons: [], mask: [], approval: { approvers: ['user:a'], min: 1, ttl_seconds: 5, scope: 'forever' } }, 'scope'],
  ])('denies %j', (value, problem) => {
    const decision = validateDecision(value);
    expect(decision.verdict).toBe('deny');
    expect(decision.reasons[0]).toContain(problem);
  });
});
