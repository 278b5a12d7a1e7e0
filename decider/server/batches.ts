// DecideStream carries batches both ways (proto/taskgate/v1/decider.proto): grpc-js spends more CPU per message
// than the decider spends per decision, so requests at hand and answers ready together share one message.
// The client and the server batch the same way, with the same limits.

/** Requests one DecideBatch may hold; the decider refuses larger batches, and stops reading a stream at this many in flight. */
export const MAX_REQUESTS_PER_BATCH = 256;

/**
 * Payload bytes one batch may hold when it holds more than one item (a single larger item travels alone, as it
 * would unbatched). Below the 64 KiB the decider allows a message beyond max_operation_bytes, with room for framing.
 */
export const MAX_BATCH_BYTES = 48 * 1024;

export interface BatchLimits<T> {
  readonly maxItems: number;
  readonly maxBytes: number;
  readonly bytesOf: (item: T) => number;
}

/** Splits items, in order, into batches within the limits; an item over maxBytes makes a batch of its own. */
export function splitIntoBatches<T>(items: readonly T[], limits: BatchLimits<T>): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = limits.bytesOf(item);
    if (current.length > 0 && (current.length >= limits.maxItems || bytes + size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Collects items added during one turn of the event loop and hands them over, split into batches, on
 * setImmediate: by then every request issued (or answer settled, e.g. a whole group commit) in that turn is here.
 */
export class Batcher<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(
    private readonly limits: BatchLimits<T>,
    private readonly flush: (batches: T[][]) => void,
  ) {}

  /** Items added and not yet handed over. */
  get waiting(): number {
    return this.items.length;
  }

  add(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const items = this.items;
      this.items = [];
      this.flush(splitIntoBatches(items, this.limits));
    });
  }
}

/** UTF-8 bytes of the given strings: what they weigh in a protobuf message, near enough. */
export function utf8Bytes(...texts: readonly string[]): number {
  let bytes = 0;
  for (const text of texts) bytes += typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0;
  return bytes;
}

/** Longest a slice of queued work holds the thread before the event loop gets a turn. */
export const SLICE_MS = 0.5;

/**
 * Runs queued items one slice at a time, giving the event loop a turn between slices. A whole DecideBatch
 * evaluated in one go would hold the thread for milliseconds, and every decision in it would reach the audit
 * writer together: no commit could start until the last was evaluated. In slices, the first records are being
 * committed on the store thread while the rest are evaluated, and their answers go out sooner.
 */
export class SlicedQueue<T> {
  private items: T[] = [];
  private next = 0;
  private scheduled = false;

  constructor(
    private readonly run: (item: T) => void,
    private readonly sliceMs = SLICE_MS,
  ) {}

  push(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.runSlice());
  }

  private runSlice(): void {
    const deadline = performance.now() + this.sliceMs;
    do this.run(this.items[this.next++]);
    while (this.next < this.items.length && performance.now() < deadline);
    if (this.next < this.items.length) {
      // Drop what ran: under a steady inflow the queue may never drain, and must not keep every request it ever held.
      this.items = this.items.slice(this.next);
      this.next = 0;
      setImmediate(() => this.runSlice());
      return;
    }
    this.items = [];
    this.next = 0;
    this.scheduled = false;
  }
}
