/**
 * Several machines, for real: `npm run cluster -- --nodes 3` (HAProxy, PostgreSQL, Redis from
 * the system's packages), phones posting in several rooms through the proxy, and one node
 * killed with SIGKILL mid-posting. Every acknowledged note must be on its board exactly once,
 * and every room must take notes again within 10 s; phones reconnect by themselves and resend
 * what was not acknowledged, with the same ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { readNotes } from '../../shared/board-doc.ts'
import { newClientId } from '../../shared/ids.ts'
import type { SessionLinks } from '../../shared/protocol.ts'
import { startCluster, type TestCluster } from '../helpers/cluster.ts'
import { tryUpgrade } from '../helpers/kiosk.ts'
import { haveServices } from '../helpers/services.ts'
import { waitFor } from '../helpers/wait.ts'

const SESSIONS = 6
const PHONES = 8
/** Each phone's pace: within its own rate limit (a burst of 6, then 12 a minute). */
const POST_EVERY_MS = 1_500
/** The contract: rooms serve again within this long after a node dies. */
const FAILOVER_BOUND_MS = 10_000

type Ack = { ok: true; noteId: string } | { ok: false; error: string }

/** A phone like the real one: reconnects by itself, and resends its outbox (same ids) on each connect. */
class Phone {
  readonly socket: Socket
  readonly outbox = new Map<string, string>()
  readonly acked = new Map<string, string>()
  /** when each acknowledgement arrived */
  readonly ackTimes: number[] = []

  constructor(url: string, readonly session: string) {
    this.socket = io(url, {
      auth: { session, deviceId: newClientId() },
      query: { session },
      transports: ['websocket'],
      reconnectionDelay: 200,
      reconnectionDelayMax: 1_000,
      forceNew: true,
    })
    this.socket.on('connect', () => this.outbox.forEach((text, id) => this.send(id, text)))
    // A refusal (e.g. the session still moving) stops Socket.io's own retries: the phone page retries.
    this.socket.on('connect_error', () => {
      if (!this.socket.active) setTimeout(() => this.socket.connect(), 300)
    })
  }

  post(): void {
    const id = newClientId()
    this.outbox.set(id, `${this.session}:${id}`)
    if (this.socket.connected) this.send(id, this.outbox.get(id)!)
  }

  private send(id: string, text: string): void {
    this.socket.timeout(3_000).emit('note:create', { id, text }, (err: Error | null, ack: Ack) => {
      // Refused for now (over its rate, or the room still moving): the phone page tries again.
      if (!err && !ack.ok && this.outbox.has(id)) setTimeout(() => this.socket.connected && this.send(id, text), 2_000)
      if (err || !ack.ok || !this.outbox.has(id)) return
      this.outbox.delete(id)
      this.acked.set(id, ack.noteId)
      this.ackTimes.push(Date.now())
    })
  }
}

describe.skipIf(!haveServices())('a 3-node cluster losing a node', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster(3)
  }, 120_000)
  afterAll(async () => {
    await cluster?.stop()
  })

  it('holds origins, tokens and keys through the proxy as on one kiosk', async () => {
    const { url } = cluster.info
    const ws = url.replace('http', 'ws')
    expect((await fetch(`${url}/api/sessions`, { method: 'POST', body: '{}' })).status).toBe(401)
    const res = await fetch(`${url}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: '確認', prompt: '' }),
    })
    const links = (await res.json()) as SessionLinks
    const key = new URL(links.boardUrl).searchParams.get('key')!
    expect(await tryUpgrade(`${ws}/yjs/${links.id}?key=wrong-key-0123456789`)).toBe(401)
    expect(await tryUpgrade(`${ws}/yjs/${links.id}?key=${key}`)).toBe(101)
    expect(await tryUpgrade(`${ws}/yjs/${links.id}?key=${key}`, { origin: 'http://elsewhere.example' })).toBe(403)
    const refused = (auth: Record<string, string>, extraHeaders: Record<string, string> = {}) =>
      new Promise<unknown>((resolve) => {
        const s = io(url, { auth, query: { session: links.id }, extraHeaders, transports: ['websocket'], reconnection: false, forceNew: true })
        s.once('connect', () => (s.close(), resolve('connected')))
        s.once('connect_error', (err) => (s.close(), resolve((err as { data?: { code?: string } }).data?.code ?? err.message)))
      })
    expect(await refused({ session: links.id, token: 'not-the-token-0123456789' })).toBe('unauthorized')
    expect(await refused({ session: links.id }, { origin: 'http://elsewhere.example' })).not.toBe('connected')
    expect(await refused({ session: links.id })).toBe('connected')
  })

  it('keeps every acknowledged note exactly once and serves every room again within 10 s of a SIGKILL', async () => {
    const { url } = cluster.info
    const auth = { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' }
    const sessions: SessionLinks[] = []
    for (let i = 0; i < SESSIONS; i++) {
      const res = await fetch(`${url}/api/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ title: `部屋 ${i}`, prompt: '一言' }) })
      expect(res.status).toBe(201)
      sessions.push((await res.json()) as SessionLinks)
    }
    const phones = sessions.flatMap((s) => Array.from({ length: PHONES }, () => new Phone(url, s.id)))
    // A board per room through the proxy too: y-websocket reconnects by itself.
    const boards = sessions.map((s) => {
      const doc = new Y.Doc()
      const provider = new WebsocketProvider(`${url.replace('http', 'ws')}/yjs`, s.id, doc, {
        params: { key: new URL(s.boardUrl).searchParams.get('key') ?? '' },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
        maxBackoffTime: 1_000,
      })
      return { doc, provider }
    })
    try {
      await waitFor(() => expect(phones.every((p) => p.socket.connected)).toBe(true), 20_000)
      const posting = setInterval(() => phones.forEach((p) => p.post()), POST_EVERY_MS)
      await waitFor(() => expect(phones.every((p) => p.acked.size >= 2)).toBe(true), 30_000)

      // The node holding the most rooms dies without a word.
      const owners = await cluster.owners()
      expect(sessions.filter((s) => owners.has(s.id))).toHaveLength(SESSIONS)
      const held = new Map<number, number>()
      for (const s of sessions) held.set(owners.get(s.id)!, (held.get(owners.get(s.id)!) ?? 0) + 1)
      const [victim] = [...held.entries()].sort((a, b) => b[1] - a[1])[0]!
      expect(cluster.info.nodes.map((n) => n.pid)).toContain(victim)
      const orphaned = new Set(sessions.map((s) => s.id).filter((id) => owners.get(id) === victim))
      const killedAt = Date.now()
      process.kill(victim, 'SIGKILL')

      // Every room takes notes again: its phones' first acknowledgement after the kill.
      const back = new Map<string, number>()
      await waitFor(
        () => {
          for (const p of phones) {
            const after = p.ackTimes.find((t) => t > killedAt + 50)
            if (after !== undefined && (back.get(p.session) ?? Infinity) > after) back.set(p.session, after)
          }
          expect(back.size).toBe(SESSIONS)
        },
        { timeout: 30_000, interval: 50 },
      )
      clearInterval(posting)
      const gaps = [...back.entries()].filter(([id]) => orphaned.has(id)).map(([, t]) => t - killedAt)
      console.log(`failover: the ${orphaned.size} rooms of the killed node took notes again ${Math.min(...gaps)}–${Math.max(...gaps)} ms after its SIGKILL`)
      expect(Math.max(...[...back.values()].map((t) => t - killedAt))).toBeLessThanOrEqual(FAILOVER_BOUND_MS)
      // They moved: each is now held by a live node.
      const after = await cluster.owners()
      for (const id of orphaned) expect([victim, undefined]).not.toContain(after.get(id))

      // Everything sent is acknowledged in the end (resent after reconnecting, same ids).
      await waitFor(() => expect(phones.reduce((n, p) => n + p.outbox.size, 0)).toBe(0), 30_000)
      // A resend of an acknowledged note is answered with the same note, never a second one.
      const sample = phones[0]!
      const [someId, someNote] = [...sample.acked.entries()][0]!
      const again = (await sample.socket.timeout(5_000).emitWithAck('note:create', { id: someId, text: `${sample.session}:${someId}` })) as Ack
      expect(again).toEqual({ ok: true, noteId: someNote })

      // Every acknowledged note is on its room's board exactly once.
      for (const [i, s] of sessions.entries()) {
        const mine = phones.filter((p) => p.session === s.id)
        const expected = mine.flatMap((p) => [...p.acked.values()]).sort()
        await waitFor(
          () => {
            const notes = readNotes(boards[i]!.doc).filter((n) => n.text.startsWith(`${s.id}:`))
            expect(notes.map((n) => n.id).sort()).toEqual(expected)
            expect(new Set(notes.map((n) => n.text)).size).toBe(notes.length)
          },
          { timeout: 20_000, interval: 100 },
        )
      }
      const total = phones.reduce((n, p) => n + p.acked.size, 0)
      console.log(`failover: ${total} notes acknowledged in ${SESSIONS} rooms, each on its board once`)
    } finally {
      phones.forEach((p) => p.socket.close())
      boards.forEach((b) => (b.provider.destroy(), b.doc.destroy()))
    }
  }, 180_000)
})
