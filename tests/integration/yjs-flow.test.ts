import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Config } from '../../server/config.ts'
import { YJS_CLOSE } from '../../shared/protocol.ts'
import { emitAck, kioskForTest, ROOMY_LIMITS, type ClientSocket, type TestKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

/** y-websocket's "sync step 1" with an empty state vector: "send me the whole board". */
const STEP1 = Buffer.from([0, 0, 1, 0])
const isStep2 = (data: Buffer) => data[0] === 0 && data[1] === 1

const limits = (l: Partial<Config['limits']>) => ({ ...ROOMY_LIMITS, ...l }) as Config['limits']

async function fillBoard(kiosk: TestKiosk, fac: ClientSocket, notes: number): Promise<void> {
  for (let i = 0; i < notes; i += 50) {
    const batch = Array.from({ length: Math.min(50, notes - i) }, (_, j) =>
      emitAck<{ ok: boolean }>(fac, 'note:create', { id: `n${i + j}`, text: `窓口の待ち時間が長いので、番号札をスマホに通知してほしい ${i + j}` }),
    )
    for (const ack of await Promise.all(batch)) expect(ack.ok).toBe(true)
  }
}

function rawBoard(kiosk: TestKiosk, boardUrl: string, id: string): Promise<WebSocket> {
  const key = new URL(boardUrl).searchParams.get('key')
  const ws = new WebSocket(`${kiosk.url.replace('http', 'ws')}/yjs/${id}?key=${key}`)
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

describe("a board key cannot stall the room", () => {
  it('closes a reader that floods sync step 1 without reading, without ballooning, while phones are served', async () => {
    const kiosk = await kioskForTest({ limits: ROOMY_LIMITS, durability: 'normal' })
    const links = await kiosk.createSession()
    const fac = await kiosk.facilitator(links.id)
    await fillBoard(kiosk, fac, 300)
    const phone = await kiosk.phone(links.id, { deviceId: 'bystander' })
    const before = kiosk.kiosk.connections.total

    const attacker = await rawBoard(kiosk, links.boardUrl, links.id)
    attacker.pause() // never reads what it asked for
    const rssBefore = process.memoryUsage().rss
    for (let i = 0; i < 5_000; i++) attacker.send(STEP1)
    // the room is still served meanwhile
    expect(await emitAck(phone, 'note:create', { id: 'during', text: '聞こえていますか' })).toMatchObject({ ok: true })
    await waitFor(() => expect(kiosk.logs.join('\n')).toContain(`closing the connection (${YJS_CLOSE.rateLimited.reason})`), 15_000)
    const closed = new Promise<number>((resolve) => attacker.once('close', (code) => resolve(code)))
    attacker.resume()
    expect(await closed).toBe(YJS_CLOSE.rateLimited.code)
    await waitFor(() => expect(kiosk.kiosk.connections.total).toBe(before))
    // 5,000 answers of a 300-note board would be hundreds of megabytes
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024)
    // a legitimate board still syncs the whole board
    const board = await kiosk.board(links)
    expect(board.doc.getMap('notes').size).toBe(301)
  })

  it('answers step 1 once at a time, at most once per interval, coalescing the rest', async () => {
    const kiosk = await kioskForTest({ limits: limits({ yjsSyncAnswerIntervalMs: 400 }) })
    const links = await kiosk.createSession()
    const reader = await rawBoard(kiosk, links.boardUrl, links.id)
    const answers: number[] = []
    reader.on('message', (data: Buffer) => {
      if (isStep2(data)) answers.push(Date.now())
    })
    for (let i = 0; i < 20; i++) reader.send(STEP1)
    await waitFor(() => expect(answers).toHaveLength(2))
    // nothing more comes: the 19 after the first were one request
    await new Promise((r) => setTimeout(r, 1_000))
    expect(answers).toHaveLength(2)
    expect(answers[1]! - answers[0]!).toBeGreaterThanOrEqual(350)
    expect(reader.readyState).toBe(WebSocket.OPEN)
    reader.close()
  })

  it('closes a connection that stops reading once its backlog outgrows the cap, with its own close code', async () => {
    const kiosk = await kioskForTest({ limits: limits({ yjsBacklogBytes: 256 * 1024 }), durability: 'normal' })
    const links = await kiosk.createSession()
    const stalled = new WebSocket(`${kiosk.url.replace('http', 'ws')}/yjs/${links.id}?token=${kiosk.token}`)
    await new Promise((resolve) => stalled.once('open', resolve))
    stalled.pause()
    const writer = await kiosk.board(links, 'token')
    const phone = await kiosk.phone(links.id)
    // the console writes big changes while the stalled connection reads nothing: once the
    // kernel's buffers are full the server's own queue grows, and it stops queuing for it
    let written = 0
    await waitFor(async () => {
      writer.doc.getMap('scratch').set(`blob${written++}`, 'x'.repeat(100_000))
      await new Promise((r) => setTimeout(r, 5))
      expect(kiosk.logs.join('\n')).toContain(`closing the connection (${YJS_CLOSE.backlog.reason})`)
    }, 60_000)
    expect(await emitAck(phone, 'note:create', { id: 'meanwhile', text: 'まだ大丈夫' })).toMatchObject({ ok: true })
    const closed = new Promise<number>((resolve) => stalled.once('close', (code) => resolve(code)))
    stalled.resume()
    expect(await closed).toBe(YJS_CLOSE.backlog.code)
    // the writer, which reads, was never cut off
    expect(writer.provider.wsconnected).toBe(true)
    expect(kiosk.logs.filter((l) => l.includes('closing the connection'))).toHaveLength(1)
  })

  it('keeps a console that reads: a write connection is never closed for a busy board', async () => {
    const kiosk = await kioskForTest({ limits: limits({ yjsBacklogBytes: 64 * 1024 }), durability: 'normal' })
    const links = await kiosk.createSession()
    const fac = await kiosk.facilitator(links.id)
    const console_ = await kiosk.board(links, 'token')
    const board = await kiosk.board(links, 'key')
    await fillBoard(kiosk, fac, 400)
    await waitFor(() => expect(console_.doc.getMap('notes').size).toBe(400))
    await waitFor(() => expect(board.doc.getMap('notes').size).toBe(400))
    expect(kiosk.logs.join('\n')).not.toContain('closing the connection')
  })

  it('gives a board that opens just after changes the same board as one that was there all along', async () => {
    const kiosk = await kioskForTest({ limits: ROOMY_LIMITS, durability: 'normal' })
    const links = await kiosk.createSession()
    const fac = await kiosk.facilitator(links.id)
    await fillBoard(kiosk, fac, 20)
    const first = await kiosk.board(links) // the board's whole state is encoded (and kept) for it
    const notes = first.doc.getMap('notes')
    const gone = [...notes.keys()].slice(0, 3)
    for (const noteId of gone) expect(await emitAck(fac, 'note:moderate', { noteId, action: 'delete' })).toEqual({ ok: true })
    await fillBoard(kiosk, fac, 0)
    expect(await emitAck(fac, 'note:create', { id: 'late', text: '後から来た付箋' })).toMatchObject({ ok: true })
    await waitFor(() => expect(notes.size).toBe(18))
    // within the reuse window: served the kept state plus what changed since, deletions included
    const later = await Promise.all([kiosk.board(links), kiosk.board(links)])
    for (const b of later) {
      const mine = b.doc.getMap('notes')
      await waitFor(() => expect([...mine.keys()].sort()).toEqual([...notes.keys()].sort()))
      for (const noteId of gone) expect(mine.has(noteId)).toBe(false)
    }
  })

  it('logs the first malformed frame of a board, then only counts them', async () => {
    const kiosk = await kioskForTest()
    const links = await kiosk.createSession()
    const reader = await rawBoard(kiosk, links.boardUrl, links.id)
    const garbage = Buffer.from([0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f])
    for (let i = 0; i < 25; i++) reader.send(garbage)
    const closed = new Promise((resolve) => reader.once('close', resolve))
    reader.close()
    await closed
    await waitFor(() => expect(kiosk.logs.join('\n')).toContain('25 malformed frames in all'))
    const lines = kiosk.logs.filter((l) => l.includes('malformed'))
    expect(lines).toHaveLength(2)
    expect(lines.join('\n').length).toBeLessThan(600)
  })
})
