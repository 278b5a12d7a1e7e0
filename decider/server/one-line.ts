// Free text that shims and approvers send (vote reasons, session summaries) ends up in audit tables, logs and chat
// messages. Beside ASCII control characters, C1 controls and the Unicode line and paragraph separators break a line
// in some readers, and bidirectional overrides make a line display in an order other than its text.

/** Any character that would let one-line text span lines or display as something else. */
export const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
