import { describe, expect, it } from 'vitest'
import { readNotes } from '../../shared/board-doc.ts'
import { LIMITS } from '../../shared/limits.ts'
import { newClientId } from '../../shared/ids.ts'
import type { SessionLinks } from '../../shared/protocol.ts'
import { bigRecord } from '../../bench/stall.ts'
import { emitAck, kioskForTest, ROOMY_LIMITS } from '../helpers/kiosk.ts'

type Ack = { ok: true; noteId: string } | { ok: false; error: string }
const CAP = 6

describe('the cap on notes per session', () => {
  it('is a documented limit that a large room fits in', () => {
    expect(LIMITS.maxNotesPerSession).toBeGreaterThanOrEqual(300 * 15)
  })

  it('refuses a note past the cap with `full`, counting pending and hidden notes, and changes nothing', async () => {
    const kiosk = await kioskForTest({ limits: { ...ROOMY_LIMITS, maxNotesPerSession: CAP } })
    const links = await kiosk.createSession()
    const fac = await kiosk.facilitator(links.id)
    const phone = await kiosk.phone(links.id, { deviceId: 'cap-phone' })
    const ids: string[] = []
    for (let i = 0; i < CAP; i++) {
      const id = newClientId()
      ids.push(id)
      expect(await emitAck<Ack>(phone, 'note:create', { id, text: `付箋${i}` })).toMatchObject({ ok: true })
      if (i === 0) await emitAck(fac, 'session:update', { moderation: 'pre' }) // the rest wait: they count too
    }
    expect(await emitAck<Ack>(phone, 'note:create', { id: newClientId(), text: 'あふれる' })).toEqual({ ok: false, error: 'full' })
    // a paper note typed in by the facilitator is refused the same way
    expect(await emitAck<Ack>(fac, 'note:create', { id: newClientId(), text: '紙の付箋' })).toEqual({ ok: false, error: 'full' })
    // a resend of an acknowledged note is still answered like the first time
    expect(await emitAck<Ack>(phone, 'note:create', { id: ids[2]!, text: '付箋2' })).toMatchObject({ ok: true })
    expect(readNotes(kiosk.kiosk.sessions.get(links.id)!.doc)).toHaveLength(CAP)
    // deleting one makes room for one
    const first = readNotes(kiosk.kiosk.sessions.get(links.id)!.doc)[0]!
    await emitAck(fac, 'note:moderate', { noteId: first.id, action: 'delete' })
    expect(await emitAck<Ack>(phone, 'note:create', { id: newClientId(), text: '空いた' })).toMatchObject({ ok: true })
    expect(await emitAck<Ack>(phone, 'note:create', { id: newClientId(), text: 'また満杯' })).toEqual({ ok: false, error: 'full' })
  })

  it('holds the cap exactly when a burst arrives in one turn (one group commit)', async () => {
    const kiosk = await kioskForTest({ limits: { ...ROOMY_LIMITS, maxNotesPerSession: CAP } })
    const links = await kiosk.createSession()
    const phones = await Promise.all(Array.from({ length: 3 }, (_, i) => kiosk.phone(links.id, { deviceId: `burst-${i}` })))
    const acks = await Promise.all(Array.from({ length: 15 }, (_, i) => emitAck<Ack>(phones[i % 3]!, 'note:create', { id: newClientId(), text: `一斉に${i}` })))
    expect(acks.filter((a) => a.ok)).toHaveLength(CAP)
    expect(acks.filter((a) => !a.ok).every((a) => !a.ok && a.error === 'full')).toBe(true)
    expect(readNotes(kiosk.kiosk.sessions.get(links.id)!.doc)).toHaveLength(CAP)
  })

  it('refuses to import a record with more notes than the cap, creating nothing, and takes one at the cap', async () => {
    const kiosk = await kioskForTest({ limits: { ...ROOMY_LIMITS, maxNotesPerSession: CAP } })
    const api = (p: string, body: unknown) =>
      fetch(`${kiosk.url}${p}`, { method: 'POST', headers: { authorization: `Bearer ${kiosk.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const before = kiosk.kiosk.sessions.list().length
    const over = await api('/api/sessions/import', bigRecord(CAP + 1))
    expect(over.status).toBe(400)
    expect(await over.json()).toEqual({ error: 'full' })
    expect(kiosk.kiosk.sessions.list()).toHaveLength(before)
    const at = await api('/api/sessions/import', bigRecord(CAP))
    expect(at.status).toBe(201)
    const links = (await at.json()) as SessionLinks
    expect(readNotes((await kiosk.kiosk.sessions.load(links.id))!.doc)).toHaveLength(CAP)
    const phone = await kiosk.phone(links.id)
    expect(await emitAck<Ack>(phone, 'note:create', { id: newClientId(), text: 'もう入らない' })).toEqual({ ok: false, error: 'full' })
    // a template of a full session starts empty, and takes notes
    const copy = await api(`/api/sessions/${links.id}/duplicate`, {})
    expect(copy.status).toBe(201)
    const dup = (await copy.json()) as SessionLinks
    const phone2 = await kiosk.phone(dup.id)
    expect(await emitAck<Ack>(phone2, 'note:create', { id: newClientId(), text: '新しい会' })).toMatchObject({ ok: true })
  })
})
