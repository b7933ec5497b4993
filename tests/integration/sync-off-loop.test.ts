import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bigRecord } from '../../bench/stall.ts'
import { LIMITS } from '../../shared/limits.ts'
import { MIRROR_FROM_BYTES } from '../../server/yjs/mirror.ts'
import type { SessionLinks } from '../../shared/protocol.ts'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { kioskForTest, ROOMY_LIMITS, type ClientSocket, type TestKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

/** What a board shows, as plain data: the projection's every map. */
const content = (doc: Y.Doc) => JSON.stringify(['meta', 'notes', 'groups', 'prompts', 'votes'].map((k) => doc.getMap(k).toJSON()))

async function imported(kiosk: TestKiosk, notes: number): Promise<SessionLinks> {
  const res = await fetch(`${kiosk.url}/api/sessions/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${kiosk.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(bigRecord(notes)),
  })
  expect(res.status).toBe(201)
  return (await res.json()) as SessionLinks
}

/** An acknowledged command, with room for a loaded machine. */
const ack = (socket: ClientSocket, event: string, payload: unknown) =>
  (socket.timeout(60_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }).emitWithAck(event, payload)

/** A board (y-websocket, board key) that has synced, however long a loaded machine takes. */
async function openBoard(kiosk: TestKiosk, links: SessionLinks, access: 'key' | 'token' = 'key'): Promise<{ doc: Y.Doc; provider: WebsocketProvider }> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${kiosk.url.replace('http', 'ws')}/yjs`, links.id, doc, {
    params: access === 'key' ? { key: new URL(links.boardUrl).searchParams.get('key') ?? '' } : { token: kiosk.token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()))
  return { doc, provider }
}

describe("a board's first sync is encoded off the event loop", () => {
  it('gives a board at the note cap the whole board, encoded by the mirror thread', { timeout: 120_000 }, async () => {
    const kiosk = await kioskForTest({ limits: ROOMY_LIMITS, durability: 'normal' })
    const links = await imported(kiosk, LIMITS.maxNotesPerSession)
    const session = (await kiosk.kiosk.sessions.load(links.id))!
    const mirrors = kiosk.kiosk.sessions.mirrors
    // it starts with the first session loaded (until then the event loop answers: no one waits)
    await waitFor(() => expect(mirrors.running).toBe(true), 30_000)
    const before = mirrors.answered
    const board = await openBoard(kiosk, links)
    expect(mirrors.answered).toBeGreaterThan(before)
    await waitFor(() => expect(board.doc.getMap('notes').size).toBe(LIMITS.maxNotesPerSession), 30_000)
    expect(content(board.doc)).toBe(content(session.board))
    // a console (read-write, the facilitator's own document) likewise
    const console_ = await openBoard(kiosk, links, 'token')
    await waitFor(() => expect(console_.doc.getMap('notes').size).toBe(LIMITS.maxNotesPerSession), 30_000)
    expect(JSON.stringify(console_.doc.getMap('notes').toJSON())).toBe(JSON.stringify(session.doc.getMap('notes').toJSON()))
    expect(mirrors.answered).toBeGreaterThan(before + 1)
    board.provider.destroy()
    console_.provider.destroy()
  })

  it('copies a session into the thread only once it is large, and serves the same board before and after', { timeout: 120_000 }, async () => {
    const kiosk = await kioskForTest({ limits: ROOMY_LIMITS, durability: 'normal' })
    const links = await imported(kiosk, 10)
    const fac = await kiosk.facilitator(links.id)
    const session = (await kiosk.kiosk.sessions.load(links.id))!
    const mirrors = kiosk.kiosk.sessions.mirrors
    // small: answered on the event loop, no copy made (no thread started for it)
    const small = await openBoard(kiosk, links)
    await waitFor(() => expect(content(small.doc)).toBe(content(session.board)), 30_000)
    expect(mirrors.answered).toBe(0)
    expect(mirrors.running).toBe(false)
    // grown past MIRROR_FROM_BYTES by notes posted live: copied from its whole state
    const text = '大きくなった会議の付箋です。'.repeat(6)
    for (let i = 0; i < 1_200; i += 100) {
      const acks = await Promise.all(Array.from({ length: 100 }, (_, k) => ack(fac, 'note:create', { id: `grow-${i + k}`, text: `${text}${i + k}` })))
      for (const a of acks) expect(a).toMatchObject({ ok: true })
    }
    expect(Y.encodeStateAsUpdate(session.doc).byteLength).toBeGreaterThan(MIRROR_FROM_BYTES)
    await waitFor(() => expect(mirrors.running).toBe(true), 30_000)
    const large = await openBoard(kiosk, links)
    expect(mirrors.answered).toBeGreaterThan(0)
    try {
      for (const b of [small, large]) await waitFor(() => expect(content(b.doc)).toBe(content(session.board)), 30_000)
      expect(session.board.getMap('notes').size).toBe(1_210)
    } finally {
      small.provider.destroy()
      large.provider.destroy()
    }
  })

  it('gives boards that open during a burst of changes the same board as the server holds', { timeout: 120_000 }, async () => {
    const kiosk = await kioskForTest({ limits: ROOMY_LIMITS, durability: 'normal' })
    const links = await imported(kiosk, 1_000)
    const fac = await kiosk.facilitator(links.id)
    const session = (await kiosk.kiosk.sessions.load(links.id))!
    const opening: Array<Promise<{ doc: Y.Doc; provider: WebsocketProvider }>> = []
    for (let round = 0; round < 4; round++) {
      // notes, deletions and a change that walks every note (face down), while boards connect
      const writes: Array<Promise<unknown>> = []
      for (let i = 0; i < 20; i++) writes.push(ack(fac, 'note:create', { id: `r${round}-${i}`, text: `追加の付箋 ${round}-${i}` }))
      writes.push(ack(fac, 'note:moderate', { noteId: `n${round}`, action: 'delete' }))
      writes.push(ack(fac, 'session:update', { faceDown: round % 2 === 0 }))
      opening.push(openBoard(kiosk, links))
      for (const ack of await Promise.all(writes)) expect(ack).toMatchObject({ ok: true })
    }
    const boards = await Promise.all(opening)
    try {
      for (const b of boards) await waitFor(() => expect(content(b.doc)).toBe(content(session.board)), 60_000)
      expect(session.board.getMap('notes').size).toBeGreaterThan(1_000)
    } finally {
      for (const b of boards) b.provider.destroy()
    }
  })
})
