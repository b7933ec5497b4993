import Database from 'better-sqlite3'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { readNotes } from '../../shared/board-doc.ts'
import type { Ack } from '../../shared/errors.ts'
import type { SessionDamage, SessionLinks } from '../../shared/protocol.ts'
import { emitAck, kioskForTest, tempDir, tryUpgrade, type ClientSocket } from '../helpers/kiosk.ts'
import { exited, spawnKiosk, type KioskProcess } from '../helpers/process.ts'

const TOKEN = 'damaged-rows-token-0123456789abcdef01234567'
const procs: KioskProcess[] = []
const clients: Array<{ close(): void }> = []
afterEach(() => {
  for (const c of clients.splice(0)) c.close()
  for (const p of procs.splice(0)) p.child.kill('SIGKILL')
})

async function start(dataDir: string): Promise<KioskProcess> {
  const k = await spawnKiosk({ DATA_DIR: dataDir, FACILITATOR_TOKEN: TOKEN })
  procs.push(k)
  return k
}

async function createSession(url: string, title: string): Promise<SessionLinks> {
  const res = await fetch(`${url}/api/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })
  return (await res.json()) as SessionLinks
}

function connect(url: string, auth: Record<string, string>): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true })
  clients.push(socket)
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', reject)
  })
}

const post = (socket: ClientSocket, id: string, text: string) =>
  socket.timeout(10_000).emitWithAck('note:create', { id, text }) as Promise<Ack<{ noteId: string }>>

async function boardTexts(url: string, links: SessionLinks): Promise<string[]> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${url.replace('http', 'ws')}/yjs`, links.id, doc, {
    params: { token: TOKEN },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  clients.push({ close: () => provider.destroy() })
  await new Promise<void>((resolve, reject) => {
    provider.once('sync', () => resolve())
    provider.once('connection-close', () => reject(new Error('the board connection closed')))
  })
  return readNotes(doc).map((n) => n.text).sort()
}

describe('a stored update row that Yjs cannot read', () => {
  it('is set aside when its session loads: the kiosk stays up, the rest of the board is there, the facilitator is told, other sessions carry on', async () => {
    const dataDir = tempDir()
    const first = await start(dataDir)
    const damaged = await createSession(first.url, '壊れる会')
    const other = await createSession(first.url, '無事な会')
    const phone = await connect(first.url, { session: damaged.id, deviceId: 'phone-1' })
    for (const text of ['一枚目', '二枚目', '三枚目']) expect(await post(phone, `c-${text}`, text)).toMatchObject({ ok: true })
    phone.close()
    first.child.kill('SIGTERM')
    expect(await exited(first.child)).toBe(0)

    // A row that is not a Yjs update at all, the way a disk error or a bad copy leaves one.
    const garbage = Buffer.from('\u00ff\u00ff\u00ff\u00ff\u000fnot a yjs update: a sector of something else', 'latin1')
    const file = path.join(dataDir, 'kurumaza.sqlite')
    const db = new Database(file)
    db.prepare('INSERT INTO updates (session_id, data) VALUES (?, ?)').run(damaged.id, garbage)
    db.close()

    const kiosk = await start(dataDir)
    // The first connection to the damaged session is a board (Yjs), the next a phone (Socket.io).
    expect(await boardTexts(kiosk.url, damaged)).toEqual(['一枚目', '三枚目', '二枚目'].sort())
    const again = await connect(kiosk.url, { session: damaged.id, deviceId: 'phone-1' })
    expect(await post(again, 'c-四枚目', '四枚目')).toMatchObject({ ok: true })
    expect(kiosk.child.exitCode).toBeNull()
    expect((await fetch(`${kiosk.url}/healthz`)).status).toBe(200)
    // The terminal says so too, for whoever looks after the laptop.
    expect(kiosk.output()).toContain(`session ${damaged.id}: 1 stored change(s)`)

    // The facilitator is told what could not be read.
    const facilitator = io(kiosk.url, { auth: { session: damaged.id, token: TOKEN }, transports: ['websocket'], reconnection: false, forceNew: true })
    clients.push(facilitator)
    const told = await new Promise<SessionDamage>((resolve) => facilitator.once('session:damaged', resolve))
    expect(told).toEqual({ unreadable: 1, bytes: garbage.length, since: expect.any(Number) })

    // The bad row is kept aside, byte for byte, with why; it is no longer in the log.
    const check = new Database(file, { readonly: true })
    const aside = check.prepare('SELECT session_id AS sessionId, data, error FROM quarantined_updates').all() as Array<{ sessionId: string; data: Buffer; error: string }>
    const inLog = check.prepare('SELECT count(*) AS n FROM updates WHERE data = ?').get(garbage) as { n: number }
    check.close()
    expect(aside).toHaveLength(1)
    expect(aside[0]).toMatchObject({ sessionId: damaged.id, data: garbage })
    expect(aside[0]!.error.length).toBeGreaterThan(0)
    expect(inLog.n).toBe(0)

    // Every other session carries on.
    const elsewhere = await connect(kiosk.url, { session: other.id, deviceId: 'phone-2' })
    expect(await post(elsewhere, 'c-other', '別の会の付箋')).toMatchObject({ ok: true })
    expect(await boardTexts(kiosk.url, other)).toEqual(['別の会の付箋'])

    // After a restart the board loads cleanly, with the note posted after the damage.
    kiosk.child.kill('SIGTERM')
    await exited(kiosk.child)
    const later = await start(dataDir)
    expect(await boardTexts(later.url, damaged)).toEqual(['一枚目', '三枚目', '二枚目', '四枚目'].sort())
    expect(later.output()).not.toContain('could not be read')
  }, 120_000) // three kiosk processes one after another, on a machine that may be busy
})

describe('a session whose stored board cannot be read at all', () => {
  it('is refused with unavailable (Socket.io) and 503 (Yjs) while the kiosk and other sessions carry on', async () => {
    const kiosk = await kioskForTest()
    const broken = await kiosk.createSession('読めない会')
    const fine = await kiosk.createSession('読める会')
    // The disk gives a read error for this one session's log, the way SQLite reports one.
    const store = kiosk.store
    const real = store.loadUpdateRowsPage.bind(store)
    store.loadUpdateRowsPage = (id, after, limit) => {
      if (id === broken.id) throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_READ' })
      return real(id, after, limit)
    }
    await expect(kiosk.phone(broken.id)).rejects.toMatchObject({ data: { code: 'unavailable' } })
    const key = new URL(broken.boardUrl).searchParams.get('key') ?? ''
    expect(await tryUpgrade(`${kiosk.url.replace('http', 'ws')}/yjs/${broken.id}?key=${key}`)).toBe(503)
    expect(kiosk.logs.some((l) => l.includes(`session ${broken.id} could not be loaded`) && l.includes('disk I/O error'))).toBe(true)

    const phone = await kiosk.phone(fine.id)
    expect(await emitAck(phone, 'note:create', { id: 'c1', text: '無事です' })).toMatchObject({ ok: true })
    // Once the disk reads again, so does the session.
    store.loadUpdateRowsPage = real
    expect(await emitAck(await kiosk.phone(broken.id), 'note:create', { id: 'c2', text: '戻りました' })).toMatchObject({ ok: true })
  })
})
