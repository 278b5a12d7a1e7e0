// Grants as written on the command line: RESOURCE:ACTION[,ACTION][:OBJECT[,OBJECT]], e.g.
// `orders-db:read,write:public.orders,public.order_lines`. Objects may contain ':' (`db.internal:5432`), so
// everything after the second ':' is the object list.
import type { TaskGrant } from '../store/index.js';

/** Every action a grant may name (docs/policy-contract.md, "task"). */
export const GRANT_ACTIONS: readonly string[] = ['read', 'write', 'admin', 'exec', 'shell', 'forward'];
export const GRANT_SYNTAX = 'RESOURCE:ACTION[,ACTION][:OBJECT[,OBJECT]]';
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A grant, or what is wrong with it in words that show the fix. */
export function parseGrant(text: string): { grant: TaskGrant } | { error: string } {
  const example = `e.g. orders-db:read:public.orders`;
  const first = text.indexOf(':');
  if (text.trim() === '') return { error: `a grant is empty: write ${GRANT_SYNTAX}, ${example}` };
  if (first < 0) return { error: `grant "${text}" has no action: write ${GRANT_SYNTAX}, e.g. ${text}:read` };
  const resource = text.slice(0, first);
  if (!RESOURCE_NAME.test(resource)) {
    return {
      error:
        `grant "${text}": resource "${resource}" is not a resource name (letters, digits, '.', '_', '-', ` +
        `starting with a letter or digit): write ${GRANT_SYNTAX}`,
    };
  }
  const second = text.indexOf(':', first + 1);
  const actionText = second < 0 ? text.slice(first + 1) : text.slice(first + 1, second);
  const actions = parseActions(actionText, text);
  if ('error' in actions) return actions;
  if (second < 0) return { grant: { resource, actions: actions.list } };
  const objects = parseObjects(text.slice(second + 1), text);
  if ('error' in objects) return objects;
  return { grant: { resource, actions: actions.list, objects: objects.list } };
}

function parseActions(text: string, grant: string): { list: string[] } | { error: string } {
  const valid = `one of ${GRANT_ACTIONS.join(', ')}`;
  if (text === '') return { error: `grant "${grant}" has no action after the resource: name ${valid}` };
  const list = text.split(',');
  for (const [i, action] of list.entries()) {
    if (action === '')
      return { error: `grant "${grant}" has an empty action in "${text}": separate actions with single commas` };
    if (!GRANT_ACTIONS.includes(action)) {
      const lower = action.toLowerCase();
      const hint = GRANT_ACTIONS.includes(lower) ? `write "${lower}"` : `use ${valid}`;
      return { error: `grant "${grant}": "${action}" is not an action: ${hint}` };
    }
    if (list.indexOf(action) !== i) return { error: `grant "${grant}" names action "${action}" twice` };
  }
  return { list };
}

function parseObjects(text: string, grant: string): { list: string[] } | { error: string } {
  if (text === '') {
    return {
      error: `grant "${grant}" ends with ':' but names no object: list objects after it, or drop the ':' to grant every object`,
    };
  }
  const list = text.split(',');
  if (list.some((o) => o.trim() === '')) {
    return { error: `grant "${grant}" has an empty object in "${text}": separate objects with single commas` };
  }
  return { list };
}
