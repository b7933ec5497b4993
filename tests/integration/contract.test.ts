/**
 * An independent client that knows only the public contract (shared/CONTRACT.md of the
 * steering repo, docs/PROTOCOL.md here): no import from this repository's code but the helper
 * that starts the real kiosk as its own process. It walks the whole "done when" of the core loop.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { tempDir } from '../helpers/kiosk.ts'
import { exited, spawnKiosk, type KioskProcess } from '../helpers/process.ts'

const TOKEN = 'independent-client-token-000000000000000000'
const running: KioskProcess[] = []
afterEach(() => {
  for (const k of running.splice(0)) k.child.kill('SIGKILL')
})

function wsStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url)
    ws.on('open', () => (ws.terminate(), resolve(101)))
    ws.on('unexpected-response', (_req, res) => (ws.terminate(), resolve(res.statusCode ?? 0)))
    ws.on('error', () => {})
  })
}

async function openBoard(base: string, id: string, params: Record<string, string>) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${base.replace(/^http/, 'ws')}/yjs`, id, doc, {
    params,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()))
  return { doc, provider }
}

const texts = (doc: Y.Doc) => [...doc.getMap('notes').values()].map((n) => (n as Y.Map<unknown>).get('text'))

describe('an independent client following the contract alone', () => {
  it('creates, posts, watches, is refused where it should be, survives kill -9, and exports', async () => {
    const dataDir = tempDir()
    const k1 = await spawnKiosk({ DATA_DIR: dataDir, FACILITATOR_TOKEN: TOKEN })
    running.push(k1)
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }

    expect(await (await fetch(`${k1.url}/healthz`)).json()).toEqual({ ok: true })
    const created = await fetch(`${k1.url}/api/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ title: '独立したクライアント', prompt: '問い' }) })
    expect(created.status).toBe(201)
    const s = (await created.json()) as { id: string; joinUrl: string; boardUrl: string; facilitatorUrl: string }
    const key = new URL(s.boardUrl).searchParams.get('key')!

    // the session id alone opens nothing
    expect(await wsStatus(`${k1.url.replace('http', 'ws')}/yjs/${s.id}`)).toBe(401)

    const board = await openBoard(k1.url, s.id, { key })
    const arrived = new Promise<void>((resolve) => board.doc.getMap('notes').observe(() => texts(board.doc).includes('契約だけで書いた') && resolve()))
    const phone = io(k1.url, { auth: { session: s.id, deviceId: 'independent' }, transports: ['websocket'] })
    const ack = await phone.timeout(5_000).emitWithAck('note:create', { id: 'contract-note-1', text: '契約だけで書いた' })
    expect(ack).toEqual({ ok: true, noteId: expect.any(String) })
    await arrived
    const note = board.doc.getMap('notes').get(ack.noteId) as Y.Map<unknown>
    expect(note.get('status')).toBe('visible')
    expect(typeof note.get('createdAt')).toBe('number')

    // a read-only connection cannot change the board
    board.doc.getMap('notes').delete(ack.noteId)
    board.doc.getMap('meta').set('title', '改ざん')
    await new Promise((r) => setTimeout(r, 300))
    const check = await openBoard(k1.url, s.id, { token: TOKEN })
    expect(texts(check.doc)).toEqual(['契約だけで書いた'])
    expect(check.doc.getMap('meta').get('title')).toBe('独立したクライアント')
    board.provider.destroy()
    check.provider.destroy()
    phone.close()

    // kill -9, restart, the note is still there and in the export
    k1.child.kill('SIGKILL')
    await exited(k1.child)
    const k2 = await spawnKiosk({ DATA_DIR: dataDir, FACILITATOR_TOKEN: TOKEN })
    running.push(k2)
    const after = await openBoard(k2.url, s.id, { key })
    expect(texts(after.doc)).toEqual(['契約だけで書いた'])
    after.provider.destroy()
    const exported = await (await fetch(`${k2.url}/api/sessions/${s.id}/export?format=json`, { headers: auth })).json()
    expect(exported.notes.map((n: { text: string }) => n.text)).toEqual(['契約だけで書いた'])
    // and resending the same id is answered like the first time
    const again = io(k2.url, { auth: { session: s.id }, transports: ['websocket'] })
    expect(await again.timeout(5_000).emitWithAck('note:create', { id: 'contract-note-1', text: '契約だけで書いた' })).toEqual(ack)
    again.close()
  })
})
