import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { onTestFinished, afterAll, beforeAll } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { createServer, type RunningKiosk } from '../../server/app.ts'
import { makeConfig, type Config } from '../../server/config.ts'
import { quietLogger } from '../../server/log.ts'
import type { ClientToServerEvents, QuestionList, ServerToClientEvents, SessionLinks, SessionState } from '../../shared/protocol.ts'

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

const states = new WeakMap<ClientSocket, SessionState>()
/** The last `session:state` a test socket received. */
export const lastState = (socket: ClientSocket): SessionState | undefined => states.get(socket)
const questionLists = new WeakMap<ClientSocket, QuestionList>()
/** The last `question:list` a test socket received (phones get one right on connect). */
export const lastQuestionList = (socket: ClientSocket): QuestionList | undefined => questionLists.get(socket)

/** Limits high enough that a test playing many notes from one phone is not rate limited. */
export const ROOMY_LIMITS = { notesBurstPerPhone: 10_000, notesPerMinutePerPhone: 10_000 } as Config['limits']

export const ROOT = path.resolve(import.meta.dirname, '..', '..')

export function tempDir(prefix = 'kurumaza-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export interface TestKiosk extends RunningKiosk {
  dataDir: string
  logs: string[]
  /** POST /api/sessions with the facilitator token */
  createSession(title?: string, prompt?: string): Promise<SessionLinks>
  /** a phone's Socket.io connection, connected (rejects with the connect_error) */
  /**
   * `localAddress`: connect from another loopback address (127.0.0.2, …), which the kiosk sees as
   * another network address (with `loopbackExempt: false`, one the per-address limits apply to).
   */
  phone(session: string, opts?: { deviceId?: string; extraHeaders?: Record<string, string>; localAddress?: string }): Promise<ClientSocket>
  facilitator(session: string, token?: string): Promise<ClientSocket>
  /** a y-websocket client on the board, synced; `access` picks key (read-only) or token (read-write) */
  board(session: SessionLinks, access?: 'key' | 'token'): Promise<{ doc: Y.Doc; provider: WebsocketProvider }>
  /** rows in a session's stored update log, read through a connection of the test's own */
  countUpdates(session: string): number
}

/** Run `fn` on a connection of the test's own to a kiosk's database (beside the kiosk's). */
export function withDatabase<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file)
  try {
    db.pragma('busy_timeout = 5000')
    return fn(db)
  } finally {
    db.close()
  }
}

/**
 * Make every write of rows to `tables` fail inside SQLite with `message`, the way a full disk
 * fails them, until the returned function is called. Triggers live in the database file, so
 * the kiosk's writer thread hits them on its own connection.
 */
export function failWrites(file: string, message: string, tables: readonly string[] = ['updates', 'note_ids', 'ballots']): () => void {
  const quoted = message.replaceAll("'", "''")
  withDatabase(file, (db) => {
    for (const t of tables) db.exec(`CREATE TRIGGER fail_${t} BEFORE INSERT ON ${t} BEGIN SELECT RAISE(ABORT, '${quoted}'); END`)
  })
  return () => withDatabase(file, (db) => tables.forEach((t) => db.exec(`DROP TRIGGER IF EXISTS fail_${t}`)))
}

/** Start a real kiosk on 127.0.0.1:0 with its own data folder; closing also closes its clients. */
export async function startKiosk(overrides: Partial<Config> = {}): Promise<TestKiosk> {
  const logs: string[] = []
  const dataDir = overrides.dataDir ?? tempDir()
  const running = await createServer(
    makeConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      log: quietLogger(logs),
      clientDir: path.join(ROOT, 'dist', 'client'),
      presenceIntervalMs: 50,
      ...overrides,
    }),
  )
  const clients: Array<{ close(): void }> = []
  const auth = { authorization: `Bearer ${running.token}`, 'content-type': 'application/json' }

  const connect = (authData: Record<string, string>, extraHeaders?: Record<string, string>, localAddress?: string) =>
    new Promise<ClientSocket>((resolve, reject) => {
      const socket: ClientSocket = io(running.url, {
        auth: authData,
        transports: ['websocket'],
        reconnection: false,
        extraHeaders,
        forceNew: true,
        ...(localAddress ? { localAddress } : {}),
      })
      clients.push({ close: () => socket.close() })
      // The state is sent right on connect: listen before, so no test races it.
      socket.on('session:state', (state) => states.set(socket, state))
      socket.on('question:list', (list) => questionLists.set(socket, list))
      socket.once('connect', () => resolve(socket))
      socket.once('connect_error', (err) => reject(err))
    })

  const kiosk: TestKiosk = {
    ...running,
    dataDir,
    logs,
    async createSession(title = 'テストの会', prompt = '今日の気づきを一言') {
      const res = await fetch(`${running.url}/api/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ title, prompt }) })
      if (res.status !== 201) throw new Error(`createSession: ${res.status} ${await res.text()}`)
      return (await res.json()) as SessionLinks
    },
    phone: (session, opts = {}) => connect(opts.deviceId ? { session, deviceId: opts.deviceId } : { session }, opts.extraHeaders, opts.localAddress),
    facilitator: (session, token = running.token) => connect({ session, token }),
    async board(links, access = 'key') {
      const doc = new Y.Doc()
      const params: Record<string, string> = access === 'key' ? { key: new URL(links.boardUrl).searchParams.get('key') ?? '' } : { token: running.token }
      const provider = new WebsocketProvider(`${running.url.replace('http', 'ws')}/yjs`, links.id, doc, {
        params,
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      })
      clients.push({ close: () => { provider.destroy(); doc.destroy() } })
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('board did not sync')), 5_000)
        provider.once('sync', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      return { doc, provider }
    },
    countUpdates: (session) =>
      withDatabase(running.dataFile, (db) => db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM updates WHERE session_id = ?').get(session)!.n),
    async close() {
      for (const c of clients.splice(0)) c.close()
      await running.close()
    },
  }
  return kiosk
}

/** A kiosk for the current test, closed when it ends. */
export async function kioskForTest(overrides: Partial<Config> = {}): Promise<TestKiosk> {
  const kiosk = await startKiosk(overrides)
  onTestFinished(() => kiosk.close())
  return kiosk
}

/** One kiosk for a whole file (each test makes its own session); call at the top of a describe. */
export function useKiosk(overrides: Partial<Config> = {}): () => TestKiosk {
  let kiosk: TestKiosk | undefined
  beforeAll(async () => {
    kiosk = await startKiosk(overrides)
  })
  afterAll(async () => {
    await kiosk?.close()
  })
  return () => {
    if (!kiosk) throw new Error('kiosk not started')
    return kiosk
  }
}

/** Emit with an acknowledgement, failing after 5 s instead of hanging. */
export function emitAck<T>(socket: ClientSocket, event: string, payload: unknown): Promise<T> {
  return (socket.timeout(5_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<T> }).emitWithAck(event, payload)
}

/** Try a raw WebSocket upgrade; resolves with the HTTP status of a refusal, or 101 when it opened. */
export function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => {
      ws.terminate()
      resolve(101)
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err)
    })
  })
}
