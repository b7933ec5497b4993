import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'

const MESSAGE_SYNC = 0
const SYNC_STEP2 = 1
const SYNC_UPDATE = 2

function syncMessage(step: number, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** Whether a state vector claims nothing of this document: a fresh client, or made-up clients. */
function knowsNothing(doc: Y.Doc, stateVector: Uint8Array): boolean {
  const own = Y.decodeStateVector(Y.encodeStateVector(doc))
  for (const [client, clock] of Y.decodeStateVector(stateVector)) if (clock > 0 && own.has(client)) return false
  return true
}

/** What encodes a document's state off the event loop (DocMirrors); undefined: not this one. */
export interface OffLoopEncoder {
  encode(doc: Y.Doc, stateVector: Uint8Array): Promise<Uint8Array> | undefined
}

/**
 * Answers y-websocket's sync step 1 for every connection of the kiosk, one answer at a time.
 *
 * A mirrored document (the usual case: every session's two documents, see mirror.ts) is encoded
 * in the mirror thread, and the event loop only passes the answer on: a board at the note cap
 * costs it about a millisecond instead of 25–50.
 *
 * Otherwise (no mirror, or its thread stopped) it is encoded here: that can take hundreds of
 * milliseconds, so after an answer that held the loop for `d` the next waits `spacing × d`, and
 * the event loop spends at most 1/(1 + spacing) of its time here however many connections ask.
 * A fresh client then gets what changed since a cache made at most `reuseMs` ago (small: the
 * newer items and the delete set), then the board's whole state from that cache.
 */
export class SyncQueue {
  private readonly jobs: Array<() => Promise<number>> = []
  private busy = false
  private closed = false
  private timer: NodeJS.Timeout | undefined
  private readonly cache = new WeakMap<Y.Doc, { update: Uint8Array; stateVector: Uint8Array; at: number }>()

  constructor(
    private readonly reuseMs: number,
    private readonly spacing = 3,
    private readonly onError: (err: unknown) => void = () => {},
    private readonly offLoop?: OffLoopEncoder,
  ) {}

  /** Queue an answer; `send` gets the messages when its turn comes, unless `wanted()` is false by then. */
  answer(doc: Y.Doc, stateVector: Uint8Array, send: (messages: Uint8Array[]) => void, wanted: () => boolean): void {
    // Each job resolves with how long it held the event loop.
    this.jobs.push(async () => {
      if (!wanted()) return 0
      const away = this.offLoop?.encode(doc, stateVector)
      let update: Uint8Array | undefined
      if (away) {
        try {
          update = await away
        } catch (err) {
          this.onError(err)
        }
      }
      const started = performance.now()
      if (!wanted()) return 0
      send(update ? [syncMessage(SYNC_STEP2, update)] : this.messages(doc, stateVector))
      return performance.now() - started
    })
    if (!this.busy) {
      this.busy = true
      this.timer = setTimeout(() => void this.next(), 0)
    }
  }

  close(): void {
    this.closed = true
    clearTimeout(this.timer)
    this.jobs.length = 0
  }

  private async next(): Promise<void> {
    const job = this.jobs.shift()
    if (!job) {
      this.busy = false
      return
    }
    let took = 0
    try {
      took = await job()
    } catch (err) {
      this.onError(err)
    }
    if (this.closed) return
    this.timer = setTimeout(() => void this.next(), took < 2 ? 0 : took * this.spacing)
  }

  private messages(doc: Y.Doc, stateVector: Uint8Array): Uint8Array[] {
    if (!knowsNothing(doc, stateVector)) return [syncMessage(SYNC_STEP2, Y.encodeStateAsUpdate(doc, stateVector))]
    let cached = this.cache.get(doc)
    if (!cached || Date.now() - cached.at > this.reuseMs) {
      cached = { update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc), at: Date.now() }
      this.cache.set(doc, cached)
    }
    // What changed since the cache goes FIRST, as an update the client holds until its base
    // arrives: y-websocket reports "synced" on step 2, so step 2 must come last, or a client would
    // read a board up to `reuseMs` old as current. The delta is always sent: deletions since the
    // cache do not show in a state vector, the delete set carries them.
    return [syncMessage(SYNC_UPDATE, Y.encodeStateAsUpdate(doc, cached.stateVector)), syncMessage(SYNC_STEP2, cached.update)]
  }
}
