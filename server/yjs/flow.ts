import type { WebSocket } from 'ws'
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import type { Limits } from '../../shared/limits.ts'
import { YJS_CLOSE } from '../../shared/protocol.ts'
import { RateLimiter } from '../guard.ts'
import type { SyncQueue } from './sync-queue.ts'
import type { Logger } from '../log.ts'

const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const SYNC_STEP1 = 0
const SYNC_STEP2 = 1
const SYNC_UPDATE = 2

export type Frame =
  | { kind: 'step1'; stateVector: Uint8Array }
  /** sync step 2, an update, or awareness: what changes what others see */
  | { kind: 'change' }
  /** a message type y-websocket ignores */
  | { kind: 'ignored' }

/** A y-websocket frame's envelope (and a step 1's state vector); throws when it is malformed. */
export function parseFrame(bytes: Uint8Array): Frame {
  const decoder = decoding.createDecoder(bytes)
  const type = decoding.readVarUint(decoder)
  if (type === MESSAGE_AWARENESS) {
    decoding.readVarUint8Array(decoder)
    return { kind: 'change' }
  }
  if (type !== MESSAGE_SYNC) return { kind: 'ignored' }
  const step = decoding.readVarUint(decoder)
  const payload = decoding.readVarUint8Array(decoder)
  if (step === SYNC_STEP1) {
    Y.decodeStateVector(payload)
    return { kind: 'step1', stateVector: payload }
  }
  if (step === SYNC_STEP2 || step === SYNC_UPDATE) return { kind: 'change' }
  throw new Error(`unknown sync step ${step}`)
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]))
  const b = data as Buffer
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}

function byteLength(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data)
  return (data as { byteLength?: number }).byteLength ?? 0
}

export interface FlowOptions {
  access: 'read' | 'write'
  /** the document this connection syncs with (the board's projection for read-only ones) */
  doc: Y.Doc
  limits: Limits
  log: Logger
  /** who this is, for the log */
  label: string
  /** the kiosk's queue of sync answers */
  syncQueue: SyncQueue
}

/**
 * Bounds what one y-websocket connection may cost, whatever it sends. Installed on a socket
 * before `setupWSConnection`, it takes over the library's message listener:
 * - sync step 1 (which makes the server encode the board) is answered through the kiosk's
 *   SyncQueue: one answer queued or in flight per connection, at most one per
 *   `yjsSyncAnswerIntervalMs`; step 1s that arrive meanwhile are coalesced into the next;
 * - a connection whose unsent backlog outgrows `yjsBacklogBytes` (beyond its largest single
 *   message, so a big board's first sync always goes out) is not reading: closed with 4001;
 * - a read-only connection may send a burst of frames, then a steady trickle: a board sends a
 *   handful per connection; over that it is closed with 4002; its writes are dropped anyway;
 * - a malformed frame is logged once, then only counted (the count is logged on close).
 */
export function controlFlow(ws: WebSocket, { access, doc, limits, log, label, syncQueue }: FlowOptions): void {
  let libraryListener: ((data: unknown, isBinary: boolean) => void) | undefined
  const on = ws.on.bind(ws)
  // setupWSConnection registers the only other 'message' listener: keep it, call it ourselves.
  ws.on = ((event: string, listener: (...args: unknown[]) => void) => {
    if (event !== 'message') return on(event, listener)
    libraryListener = listener
    return ws
  }) as WebSocket['on']

  let closing = false
  const closeFor = (why: { code: number; reason: string }) => {
    if (closing) return
    closing = true
    log.warn(`yjs ${label}: closing the connection (${why.reason})`)
    ws.close(why.code, why.reason)
    // A peer that does not read never answers the close handshake either.
    setTimeout(() => ws.terminate(), 5_000).unref()
  }

  const send = ws.send.bind(ws) as (data: unknown, options: object, cb?: (err?: Error) => void) => void
  // Messages sent in one turn of the event loop leave in one write: in a burst, many notes'
  // updates reach a board per turn, and a system call each was a third of a note's cost.
  const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket
  let corked = false
  const uncork = () => {
    corked = false
    socket?.uncork()
  }
  let largest = 0
  type Callback = (err?: Error) => void
  ws.send = ((data: unknown, optionsOrCb?: object | Callback, maybeCb?: Callback) => {
    const cb = typeof optionsOrCb === 'function' ? (optionsOrCb as Callback) : maybeCb
    const options = typeof optionsOrCb === 'function' ? {} : optionsOrCb
    if (ws.bufferedAmount > limits.yjsBacklogBytes + largest) {
      closeFor(YJS_CLOSE.backlog)
      if (cb) process.nextTick(cb, new Error('backlog'))
      return
    }
    largest = Math.max(largest, byteLength(data))
    if (socket && !corked) {
      corked = true
      socket.cork()
      setImmediate(uncork)
    }
    send(data, options ?? {}, cb)
  }) as WebSocket['send']

  // Sync step 1: one answer queued or in flight, at most one per interval, extra requests coalesced.
  let wanted: Uint8Array | undefined
  let inFlight = false
  let lastAnswer = -Infinity
  let timer: NodeJS.Timeout | undefined
  const done = () => {
    inFlight = false
    // Counted from when the answer went out too: one encoded off the event loop may come late.
    lastAnswer = Date.now()
    if (wanted && !timer) answer()
  }
  const answer = () => {
    timer = undefined
    if (!wanted || inFlight || closing) return
    const wait = lastAnswer + limits.yjsSyncAnswerIntervalMs - Date.now()
    if (wait > 0) {
      timer = setTimeout(answer, wait)
      return
    }
    const stateVector = wanted
    wanted = undefined
    inFlight = true
    lastAnswer = Date.now()
    syncQueue.answer(
      doc,
      stateVector,
      (messages) => messages.forEach((m, i) => ws.send(m, {}, i === messages.length - 1 ? done : undefined)),
      () => {
        if (closing) inFlight = false
        return !closing
      },
    )
  }

  const frames = new RateLimiter(limits.yjsReadOnlyFramesBurst, limits.yjsReadOnlyFramesPerMinute)
  let malformed = 0
  on('message', (data: unknown, isBinary: boolean) => {
    if (closing) return
    if (access === 'read' && !frames.take('')) return closeFor(YJS_CLOSE.rateLimited)
    let frame: Frame
    try {
      frame = parseFrame(toBytes(data))
    } catch (err) {
      if (++malformed === 1) log.warn(`yjs ${label}: a malformed frame (${(err as Error).message}); further ones are only counted`)
      return
    }
    if (frame.kind === 'step1') {
      wanted = frame.stateVector
      if (!timer) answer()
    } else if (frame.kind === 'change' && access === 'write') {
      libraryListener?.(data, isBinary)
    }
    // A reader's changes are dropped: what it sees is the server's to decide.
  })
  on('close', () => {
    closing = true
    clearTimeout(timer)
    if (malformed > 1) log.warn(`yjs ${label}: ${malformed} malformed frames in all`)
  })
}
