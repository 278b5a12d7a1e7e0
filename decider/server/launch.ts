// Everything `taskgate decider` starts, from a checked configuration: the store in the data directory, the task
// signing key (made on first start), the credential verifier, then the servers. Tests and benches use it too, so
// they run the decider exactly as the CLI does.
import { dirname } from 'node:path';
import type { TaskgateConfig } from '../config.js';
import { createCredentialVerifier, loadOrCreateSigningKey, validateIdentityConfig } from '../identity/index.js';
import { ApprovalsConfigError, validateApprovalsConfig, type ApprovalsSettings } from '../approvals/config.js';
import { ConfigError } from '../config.js';
import { openStore, type Store } from '../store/index.js';
import { startDecider, type RunningDecider } from './decider.js';

export interface LaunchedDecider {
  readonly decider: RunningDecider;
  readonly store: Store;
  /** Stops the servers (in-flight decisions finish), then closes the store (pending audit records commit). */
  close(): Promise<void>;
}

export async function launchDecider(config: TaskgateConfig, log: (line: string) => void): Promise<LaunchedDecider> {
  const baseDir = config.origin === 'defaults' ? process.cwd() : dirname(config.origin);
  const settings = validateIdentityConfig(config.identity, { baseDir });
  const approvals = approvalsSettingsOf(config, baseDir);
  const { dataDir } = config.decider;
  const store = await openStore({ dataDir, ownThread: true });
  try {
    const taskKey = await loadOrCreateSigningKey(dataDir);
    const verifier = await createCredentialVerifier({ taskKey, settings, tasks: store });
    log(`identity: task tokens signed by key ${taskKey.kid}; OIDC issuers: ${settings.oidc.map((o) => o.issuer).join(', ') || 'none'}`);
    const decider = await startDecider({
      config: config.decider,
      resources: config.resources,
      store,
      verifyCredential: (token) => verifier.verifyCredential(token),
      approvals,
      log,
    });
    return {
      decider,
      store,
      async close() {
        await decider.stop();
        await store.close();
      },
    };
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
}

/** The `approvals` section, checked before anything starts; its mistakes are the configuration file's. */
function approvalsSettingsOf(config: TaskgateConfig, baseDir: string): ApprovalsSettings {
  try {
    return validateApprovalsConfig(config.approvals, { baseDir });
  } catch (e) {
    if (e instanceof ApprovalsConfigError) throw new ConfigError(`${config.origin}: ${e.message}`);
    throw e;
  }
}
