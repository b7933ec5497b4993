import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { newClientId } from '../../shared/ids.ts'
import type { Ack } from '../../shared/errors.ts'
import { emitAck, kioskForTest, ROOMY_LIMITS, withDatabase, type TestKiosk } from '../helpers/kiosk.ts'

type NoteAck = Ack<{ noteId: string }>

/** A write window no test would ever see elapse: whatever is stored here went without it. */
const NEVER_MS = 600_000

/**
 * The session list's summary, stored 2 s after a session's first change (its write sends every
 * pending change with it). Still unwritten when a note was acknowledged: the note went by itself.
 */
const storedSummary = (kiosk: TestKiosk, id: string) =>
  withDatabase(kiosk.dataFile, (db) => db.prepare<[string], { summary: string | null }>('SELECT summary FROM sessions WHERE id = ?').get(id)?.summary ?? null)

describe('the write window (changes gather only while the writer is busy)', () => {
  it('stores and acknowledges a note at once when nothing is on its way to the disk, however long the window', async () => {
    const kiosk = await kioskForTest({ writeWindowMs: NEVER_MS })
    const links = await kiosk.createSession()
    const phone = await kiosk.phone(links.id, { deviceId: newClientId() })
    for (let i = 0; i < 3; i++) {
      const ack = await emitAck<NoteAck>(phone, 'note:create', { id: newClientId(), text: `一つずつ ${i}` })
      expect(ack).toEqual({ ok: true, noteId: expect.any(String) })
      if (i === 0) expect(storedSummary(kiosk, links.id)).toBeNull()
    }
    // each went alone: the writer was idle every time
    expect(kiosk.countUpdates(links.id)).toBeGreaterThanOrEqual(3)
  })

  it('sends what gathered behind a write as soon as that write is answered, in fewer writes than notes', async () => {
    const kiosk = await kioskForTest({ writeWindowMs: NEVER_MS, limits: ROOMY_LIMITS })
    const links = await kiosk.createSession()
    const phones = await Promise.all(Array.from({ length: 20 }, () => kiosk.phone(links.id, { deviceId: newClientId() })))
    const before = kiosk.countUpdates(links.id)
    const acks = await Promise.all(phones.map((p, i) => emitAck<NoteAck>(p, 'note:create', { id: newClientId(), text: `一斉に ${i}` })))
    expect(acks.filter((a) => a.ok)).toHaveLength(20)
    expect(storedSummary(kiosk, links.id)).toBeNull()
    const rows = kiosk.countUpdates(links.id) - before
    expect(rows).toBeGreaterThan(0)
    expect(rows).toBeLessThan(20)
  })
})

describe('checkpoints', () => {
  it('hands the WAL back once the room goes quiet (passive checkpoints, the next commit starts it again at 1 MB)', async () => {
    const kiosk = await kioskForTest({ limits: ROOMY_LIMITS })
    const links = await kiosk.createSession()
    const phone = await kiosk.phone(links.id, { deviceId: newClientId() })
    const wal = () => fs.statSync(`${kiosk.dataFile}-wal`).size
    // one commit each: megabytes of WAL pages
    let largest = 0
    for (let i = 0; i < 120; i++) {
      expect(await emitAck<NoteAck>(phone, 'note:create', { id: newClientId(), text: `${i} ${'長めの付箋の文章です。'.repeat(10)}` })).toMatchObject({ ok: true })
      largest = Math.max(largest, wal())
    }
    expect(largest).toBeGreaterThan(1024 * 1024)
    await new Promise((r) => setTimeout(r, 500)) // quiet for longer than the writer's idle checkpoint
    expect(await emitAck<NoteAck>(phone, 'note:create', { id: newClientId(), text: 'その後の一枚' })).toMatchObject({ ok: true })
    expect(wal()).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024)
  })
})
