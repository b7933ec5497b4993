/**
 * Board clients that note when each note reaches them: a y-websocket client on the kiosk (the
 * projector's view: a note has arrived when it is in the board's Y.Doc) and a Socket.io client
 * on the bare relay. Both count the bytes they receive.
 */
import { io, type Socket } from 'socket.io-client'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { readTag } from './texts.ts'
import { now, within } from './util.ts'

export interface BoardBytes {
  /** message payloads */
  payload: number
  /** TCP bytes, framing and the HTTP upgrade included */
  wire: number
  messages: number
}

export interface Board {
  /** tag → when the note was first seen */
  readonly seen: Map<string, number>
  bytes(): BoardBytes
  resetBytes(): void
  /** wait until every key is seen, or `ms` passed; returns how many are still missing */
  waitFor(keys: Iterable<string>, ms: number): Promise<number>
  close(): void
}

abstract class BaseBoard implements Board {
  readonly seen = new Map<string, number>()
  protected payload = 0
  protected messages = 0
  protected wire0 = 0
  private waiters: Array<() => void> = []

  protected abstract wireNow(): number

  protected saw(key: string | undefined, t: number): void {
    if (key === undefined || this.seen.has(key)) return
    this.seen.set(key, t)
    for (const w of this.waiters) w()
  }

  protected counted(bytes: number): void {
    this.payload += bytes
    this.messages++
  }

  bytes(): BoardBytes {
    return { payload: this.payload, wire: this.wireNow() - this.wire0, messages: this.messages }
  }

  resetBytes(): void {
    this.payload = 0
    this.messages = 0
    this.wire0 = this.wireNow()
  }

  waitFor(keys: Iterable<string>, ms: number): Promise<number> {
    const want = [...keys]
    const missing = () => want.filter((k) => !this.seen.has(k)).length
    if (missing() === 0) return Promise.resolve(0)
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer)
        this.waiters = this.waiters.filter((w) => w !== check)
        resolve(missing())
      }
      const check = () => {
        if (this.seen.size >= want.length && missing() === 0) finish()
      }
      const timer = setTimeout(finish, ms)
      this.waiters.push(check)
    })
  }

  abstract close(): void
}

type WireSocket = { _socket?: { bytesRead: number } }

/** The projector's view of the kiosk: a read-only (board key) y-websocket client. */
export class YBoard extends BaseBoard {
  readonly doc = new Y.Doc()
  readonly provider: WebsocketProvider
  /**
   * note id → when anything about it changed on the board after it first appeared (a status
   * change, or, where the board gets a projection without hidden notes, its removal or return)
   */
  readonly touched = new Map<string, number[]>()
  /** note id → its dot count as the board saw it change: [count, time] */
  readonly votesSeen = new Map<string, Array<[number, number]>>()
  private ws: WebSocket | undefined
  private wireClosed = 0
  syncMs = NaN

  /** note groups (grouping) as the board saw them appear */
  readonly groupsSeen = new Map<string, number>()

  private constructor(url: string, sessionId: string, params: Record<string, string>) {
    super()
    const self = this
    // Count what the board receives by wrapping the WebSocket the provider opens.
    class CountingWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols)
        self.ws = this
        this.on('message', (data: ArrayBuffer | Buffer) => self.counted(data.byteLength))
        this.on('close', () => (self.wireClosed += (this as unknown as WireSocket)._socket?.bytesRead ?? 0))
      }
    }
    const notes = this.doc.getMap<Y.Map<unknown>>('notes')
    const touch = (id: string, t: number) => {
      const list = this.touched.get(id) ?? []
      list.push(t)
      this.touched.set(id, list)
    }
    notes.observeDeep((events) => {
      const t = now()
      for (const ev of events) {
        if (ev.target === notes) {
          for (const [id, change] of ev.changes.keys) {
            const entry = notes.get(id)
            const key = entry instanceof Y.Map ? readTag(entry.get('text')) : undefined
            if (change.action === 'add' && key !== undefined && !this.seen.has(key)) this.saw(key, t)
            else touch(id, t)
          }
        } else {
          const id = ev.path[0]
          if (typeof id === 'string') touch(id, t)
        }
      }
    })
    const groups = this.doc.getMap('groups')
    groups.observe((ev) => {
      const t = now()
      for (const [id, change] of ev.changes.keys) if (change.action === 'add' && !this.groupsSeen.has(id)) this.groupsSeen.set(id, t)
    })
    const votes = this.doc.getMap<number>('votes')
    votes.observe((ev) => {
      const t = now()
      for (const id of ev.keysChanged) {
        const list = this.votesSeen.get(id) ?? []
        list.push([votes.get(id) ?? 0, t])
        this.votesSeen.set(id, list)
      }
    })
    this.provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, sessionId, this.doc, {
      params,
      WebSocketPolyfill: CountingWebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 500,
    })
  }

  protected wireNow(): number {
    return this.wireClosed + ((this.ws as unknown as WireSocket | undefined)?._socket?.bytesRead ?? 0)
  }

  /** Open a board on a session (boardUrl carries the key) and wait for its first sync. */
  static open(url: string, sessionId: string, boardUrl: string, timeoutMs = 15_000): Promise<YBoard> {
    return YBoard.connect(url, sessionId, { key: new URL(boardUrl).searchParams.get('key') ?? '' }, timeoutMs)
  }

  /** The facilitator console's read-write view (the facilitator token), as grouping uses it. */
  static openConsole(url: string, sessionId: string, token: string, timeoutMs = 15_000): Promise<YBoard> {
    return YBoard.connect(url, sessionId, { token }, timeoutMs)
  }

  private static async connect(url: string, sessionId: string, params: Record<string, string>, timeoutMs: number): Promise<YBoard> {
    const t0 = now()
    const board = new YBoard(url, sessionId, params)
    try {
      await within(
        new Promise<void>((resolve) => {
          if (board.provider.synced) resolve()
          else board.provider.once('sync', () => resolve())
        }),
        timeoutMs,
        'board sync',
      )
    } catch (err) {
      board.close()
      throw err
    }
    board.syncMs = now() - t0
    return board
  }

  noteIds(): string[] {
    return [...this.doc.getMap('notes').keys()]
  }

  close(): void {
    this.provider.destroy()
    this.doc.destroy()
  }
}

/** The relay's board: a Socket.io client in the `boards` room. */
export class RelayBoard extends BaseBoard {
  private constructor(readonly socket: Socket) {
    super()
    socket.on('note', (n: { text?: unknown }) => this.saw(readTag(n.text), now()))
    socket.io.engine.on('packet', (p) => this.counted(1 + (typeof p.data === 'string' ? Buffer.byteLength(p.data) : 0)))
  }

  protected wireNow(): number {
    return (this.socket.io.engine?.transport as unknown as { ws?: WireSocket } | undefined)?.ws?._socket?.bytesRead ?? 0
  }

  static async open(url: string): Promise<RelayBoard> {
    const socket = io(url, { auth: { role: 'board' }, transports: ['websocket'], reconnection: false, forceNew: true })
    const board = new RelayBoard(socket)
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve())
        socket.once('connect_error', reject)
      }),
      10_000,
      'relay board connect',
    )
    return board
  }

  close(): void {
    this.socket.close()
  }
}
