// The Postgres face of a statement held for approval (the waiting itself is shims/approval-hold.ts): the notice the
// client sees while it waits, and the Bind values an approval is bound to.
import { holdMessage, type HoldNotice } from '../approval-hold.js';
import type { ParameterValue } from './decisions.js';
import * as backend from './protocol/backend-serializer.js';
import type { Bind } from './protocol/frontend-messages.js';

/** A NoticeResponse naming the requests, what they wait for, and the command an approver runs. */
export function approvalNotice(notice: HoldNotice): Buffer {
  const { message, detail, hint } = holdMessage(notice);
  // 01000 (warning): the statement has not failed, but it does not run until someone acts.
  return backend.noticeResponse({ severity: 'NOTICE', code: '01000', message: `taskgate: ${message}`, detail, hint });
}

/** The Bind values as the approval binds them (DecideRequest.parameters_json). */
export function boundValues(bind: Bind): ParameterValue[] {
  return bind.values.map((value, index) => {
    if (value === null) return null;
    const format = formatOf(bind, index);
    if (format === 'text') {
      const text = value.toString('utf8');
      // Only text that survives the round trip is kept as a string: two different byte strings must never bind alike.
      if (Buffer.from(text, 'utf8').equals(value)) return text;
    }
    return { format, base64: value.toString('base64') };
  });
}

/** Bind's parameter format codes: none means all text, one applies to all, else one each (checked by the parser). */
function formatOf(bind: Bind, index: number): 'text' | 'binary' {
  const codes = bind.paramFormats;
  const code = codes.length === 0 ? 0 : codes.length === 1 ? codes[0] : codes[index];
  return code === 1 ? 'binary' : 'text';
}
