import { Worker } from 'node:worker_threads'
import type * as Y from 'yjs'
import type { Logger } from '../log.ts'

/** Messages between the main thread and the mirror thread (mirror-worker.ts). */
export type ToMirror =
  | { kind: 'updates'; id: number; updates: Uint8Array[] }
  | { kind: 'encode'; id: number; seq: number; stateVector: Uint8Array }
  | { kind: 'drop'; id: number }
export type FromMirror = { kind: 'ready' } | { kind: 'encoded'; seq: number; update?: Uint8Array; error?: string }

/** The mirror thread's module: its TypeScript source under tsx, the bundled file under `npm start`. */
function mirrorScript(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./mirror-worker-dev.mjs', import.meta.url)
  return new URL('./yjs-mirror-worker.js', import.meta.url)
}

/**
 * How long updates gather before they go to the thread. The copy needs to be current only when
 * it answers, and `encode` sends what gathered first; a message per turn cost the event loop a
 * seventh of its time in a 1,000-phone burst (a thread wake-up per note).
 */
const GATHER_MS = 50

/**
 * Copies of the served documents in a thread of their own, so that answering a client's sync
 * step 1 (encoding a whole board: 25–50 ms at the note cap) never holds the event loop.
 *
 * A document is attached when it is made, still empty; from then on every update it emits is
 * forwarded, in order, gathered for GATHER_MS. `encode` first sends what is still
 * batched, then asks: the thread answers from a copy holding every update made before the
 * request. Whatever changes after the request reaches the client anyway, since it is in the
 * room by then (y-websocket sends each update to every connection as it happens), so the
 * answer plus those updates is the whole document: the same guarantee as encoding it here.
 *
 * Until the thread has started (it starts with the first session loaded), or if it cannot start
 * or stops, `encode` returns undefined and the caller encodes on the event loop as before:
 * slower, never wrong, and no client waits for the thread.
 */
export class DocMirrors {
  private worker: Worker | undefined
  /** the thread has started: until then answers are encoded on the event loop, never kept waiting */
  private ready = false
  private failed = false
  private nextId = 0
  private seq = 0
  private readonly ids = new WeakMap<Y.Doc, number>()
  private readonly batched = new Map<number, Uint8Array[]>()
  private timer: NodeJS.Timeout | undefined
  private readonly waiting = new Map<number, { resolve: (u: Uint8Array) => void; reject: (err: Error) => void }>()
  /** answers the thread has encoded (for tests and the log) */
  answered = 0

  constructor(
    private readonly log: Logger,
    private readonly script: URL = mirrorScript(),
  ) {}

  private start(): Worker | undefined {
    if (this.worker || this.failed) return this.worker
    const worker = new Worker(this.script)
    // The kiosk's shutdown ends it (close); it never holds the process up by itself.
    worker.unref()
    worker.on('message', (msg: FromMirror) => {
      if (msg.kind === 'ready') {
        this.ready = true
        return
      }
      const w = this.waiting.get(msg.seq)
      this.waiting.delete(msg.seq)
      if (msg.update) {
        this.answered++
        w?.resolve(msg.update)
      }
      else w?.reject(new Error(msg.error ?? 'the mirror gave no state'))
    })
    const fail = (err: Error) => {
      if (this.failed) return
      this.failed = true
      this.log.error('the document mirror thread stopped; boards are now encoded on the main thread:', err.message)
      for (const w of this.waiting.values()) w.reject(err)
      this.waiting.clear()
      this.batched.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`exit ${code}`)))
    this.worker = worker
    return worker
  }

  private post(msg: ToMirror): void {
    if (!this.failed) this.worker?.postMessage(msg)
  }

  /** Mirror `doc` from now on; it must still be empty (a room's document as it is made). */
  attach(doc: Y.Doc): void {
    if (!this.start()) return
    const id = ++this.nextId
    this.ids.set(doc, id)
    const onUpdate = (update: Uint8Array) => {
      if (this.failed) return
      const list = this.batched.get(id)
      if (list) list.push(update)
      else this.batched.set(id, [update])
      if (!this.timer) {
        this.timer = setTimeout(() => this.flush(), GATHER_MS)
        this.timer.unref()
      }
    }
    doc.on('update', onUpdate)
    doc.once('destroy', () => {
      doc.off('update', onUpdate)
      this.ids.delete(doc)
      this.batched.delete(id)
      this.post({ kind: 'drop', id })
    })
  }

  private flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    for (const [id, updates] of this.batched) this.post({ kind: 'updates', id, updates })
    this.batched.clear()
  }

  /** The update a client with `stateVector` lacks, encoded off the event loop; undefined when `doc` is not mirrored. */
  encode(doc: Y.Doc, stateVector: Uint8Array): Promise<Uint8Array> | undefined {
    const id = this.ids.get(doc)
    if (id === undefined || this.failed || !this.ready) return undefined
    this.flush()
    const seq = ++this.seq
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject })
      this.post({ kind: 'encode', id, seq, stateVector })
    })
  }

  /** Whether answers are encoded in the thread now (it has started and not stopped). */
  get running(): boolean {
    return this.ready && !this.failed
  }

  async close(): Promise<void> {
    const worker = this.worker
    this.failed = true
    clearTimeout(this.timer)
    for (const w of this.waiting.values()) w.reject(new Error('the kiosk is closing'))
    this.waiting.clear()
    if (worker) {
      worker.removeAllListeners('exit')
      await worker.terminate()
    }
  }
}
