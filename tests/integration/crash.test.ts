import { afterEach, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { readNotes } from '../../shared/board-doc.ts'
import { newClientId } from '../../shared/ids.ts'
import type { Ack } from '../../shared/errors.ts'
import type { SessionLinks } from '../../shared/protocol.ts'
import { tempDir, type ClientSocket } from '../helpers/kiosk.ts'
import { exited, spawnKiosk, type KioskProcess } from '../helpers/process.ts'

const TOKEN = 'crash-test-token-0123456789abcdef0123456789'
const procs: KioskProcess[] = []
afterEach(() => {
  for (const p of procs.splice(0)) p.child.kill('SIGKILL')
})

async function boardNotes(url: string, links: SessionLinks) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${url.replace('http', 'ws')}/yjs`, links.id, doc, {
    params: { token: TOKEN },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()))
  const notes = readNotes(doc)
  provider.destroy()
  return notes
}

describe('a crash while phones post', () => {
  it('keeps every acknowledged note after kill -9, and resends make no doubles', async () => {
    const dataDir = tempDir()
    const first = await spawnKiosk({ DATA_DIR: dataDir, FACILITATOR_TOKEN: TOKEN })
    procs.push(first)
    const res = await fetch(`${first.url}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'crash' }),
    })
    const links = (await res.json()) as SessionLinks

    const PHONES = 30
    const acked = new Map<string, string>() // client id → note id
    const sent = new Map<string, number>() // client id → phone
    const phones: ClientSocket[] = []
    for (let p = 0; p < PHONES; p++) {
      phones.push(io(first.url, { auth: { session: links.id, deviceId: `phone-${p}` }, transports: ['websocket'], reconnection: false, forceNew: true }))
    }
    // The room is connected first (a socket still connecting when the kiosk dies would never settle).
    await Promise.all(phones.map((s) => new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)))))
    let killed = false
    // Every phone posts as fast as its acks come back; the kiosk is killed mid-stream.
    const loops = phones.map(async (socket, p) => {
      for (let i = 0; !killed && i < 5; i++) {
        const id = newClientId()
        sent.set(id, p)
        try {
          const ack = await socket.timeout(10_000).emitWithAck('note:create', { id, text: `note ${id}` })
          if ((ack as Ack<{ noteId: string }>).ok) acked.set(id, (ack as { noteId: string }).noteId)
        } catch {
          return // the kiosk died under us: this note is unacknowledged
        }
      }
    })
    const allDone = Promise.all(loops).then(() => true)
    let done = false
    void allDone.then(() => (done = true))
    while (acked.size < 40 && !done) await new Promise((r) => setTimeout(r, 5))
    first.child.kill('SIGKILL')
    killed = true
    await exited(first.child)
    await Promise.all(loops)
    for (const s of phones) s.close()
    expect(acked.size).toBeGreaterThanOrEqual(40)

    const second = await spawnKiosk({ DATA_DIR: dataDir, FACILITATOR_TOKEN: TOKEN })
    procs.push(second)
    const after = await boardNotes(second.url, links)
    const ids = new Set(after.map((n) => n.id))
    for (const noteId of acked.values()) expect(ids.has(noteId)).toBe(true)
    expect(ids.size).toBe(after.length)

    // Phones come back and resend everything they sent, acknowledged or not, with the same ids.
    for (let p = 0; p < PHONES; p++) {
      const phone = io(second.url, { auth: { session: links.id, deviceId: `phone-${p}` }, transports: ['websocket'], reconnection: false, forceNew: true })
      await new Promise<void>((resolve) => phone.once('connect', () => resolve()))
      for (const [id, owner] of sent) {
        if (owner !== p) continue
        const ack = (await phone.timeout(5_000).emitWithAck('note:create', { id, text: `note ${id}` })) as Ack<{ noteId: string }>
        expect(ack).toMatchObject({ ok: true })
        if (acked.has(id) && ack.ok) expect(ack.noteId).toBe(acked.get(id))
      }
      phone.close()
    }
    const final = await boardNotes(second.url, links)
    expect(final).toHaveLength(sent.size)
    expect(new Set(final.map((n) => n.text)).size).toBe(sent.size)
    second.child.kill('SIGTERM')
    expect(await exited(second.child)).toBe(0)
  })
})
