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

/**
 * Answers y-websocket's sync step 1 for every connection of the kiosk, one answer at a time:
 * encoding a whole board can take hundreds of milliseconds, so after an answer that took `d`
 * the next waits `spacing × d`, and the event loop spends at most 1/(1 + spacing) of its time
 * here however many connections ask. A fresh client (the usual case: every board page that
 * opens) gets the board's whole state from a cache made at most `reuseMs` ago, followed by
 * what changed since (small: the newer items and the delete set).
 */
export class SyncQueue {
  private readonly jobs: Array<() => void> = []
  private busy = false
  private timer: NodeJS.Timeout | undefined
  private readonly cache = new WeakMap<Y.Doc, { update: Uint8Array; stateVector: Uint8Array; at: number }>()

  constructor(
    private readonly reuseMs: number,
    private readonly spacing = 3,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Queue an answer; `send` gets the messages when its turn comes, unless `wanted()` is false by then. */
  answer(doc: Y.Doc, stateVector: Uint8Array, send: (messages: Uint8Array[]) => void, wanted: () => boolean): void {
    this.jobs.push(() => {
      if (wanted()) send(this.messages(doc, stateVector))
    })
    if (!this.busy) {
      this.busy = true
      this.timer = setTimeout(() => this.next(), 0)
    }
  }

  close(): void {
    clearTimeout(this.timer)
    this.jobs.length = 0
  }

  private next(): void {
    const job = this.jobs.shift()
    if (!job) {
      this.busy = false
      return
    }
    const started = performance.now()
    try {
      job()
    } catch (err) {
      this.onError(err)
    }
    const took = performance.now() - started
    this.timer = setTimeout(() => this.next(), took < 2 ? 0 : took * this.spacing)
  }

  private messages(doc: Y.Doc, stateVector: Uint8Array): Uint8Array[] {
    if (!knowsNothing(doc, stateVector)) return [syncMessage(SYNC_STEP2, Y.encodeStateAsUpdate(doc, stateVector))]
    let cached = this.cache.get(doc)
    if (!cached || Date.now() - cached.at > this.reuseMs) {
      cached = { update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc), at: Date.now() }
      this.cache.set(doc, cached)
    }
    // Always sent: deletions since the cache do not show in a state vector, the delete set carries them.
    return [syncMessage(SYNC_STEP2, cached.update), syncMessage(SYNC_UPDATE, Y.encodeStateAsUpdate(doc, cached.stateVector))]
  }
}
