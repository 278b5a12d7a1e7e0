// Reloads the policy when its files change. Editors and `cp` produce bursts of events (and atomic renames replace
// the watched file), so changes are debounced and the watch is made on the directory that holds the source.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { PolicySource } from './policy-source.js';

export interface PolicyWatcher {
  close(): void;
}

/** Calls `onChange` once things have been quiet for `debounceMs` after a change to the source. */
export function watchPolicySource(
  source: PolicySource,
  onChange: () => void,
  options: { debounceMs: number; log: (line: string) => void },
): PolicyWatcher {
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, options.debounceMs);
  };
  let watcher: FSWatcher;
  try {
    watcher = startWatching(source, changed);
  } catch (e) {
    options.log(`policy: cannot watch ${source.path} (${(e as Error).message}); changes will not be reloaded until a restart`);
    return { close: () => undefined };
  }
  watcher.on('error', (e) => options.log(`policy: watching ${source.path} failed (${e.message}); changes will not be reloaded`));
  return {
    close() {
      if (timer !== undefined) clearTimeout(timer);
      watcher.close();
    },
  };
}

function startWatching(source: PolicySource, changed: () => void): FSWatcher {
  if (source.kind === 'directory') {
    return watch(source.path, { recursive: true }, (_event, file) => {
      // Hidden files (editor swap files, .git) are not policy; the loader skips them too.
      if (file !== null && String(file).split(/[\\/]/).some((part) => part.startsWith('.'))) return;
      changed();
    });
  }
  const name = basename(source.path);
  return watch(dirname(source.path), (_event, file) => {
    if (file === null || String(file) === name) changed();
  });
}
