import { describe, expect, it, vi } from 'vitest'
import { readNotes } from '../../shared/board-doc.ts'
import { newClientId } from '../../shared/ids.ts'
import type { Ack } from '../../shared/errors.ts'
import type { SessionState } from '../../shared/protocol.ts'
import { emitAck, kioskForTest, lastState, ROOMY_LIMITS, useKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

type NoteAck = Ack<{ noteId: string }>

describe('posting a note from a phone', () => {
  const kiosk = useKiosk()

  it('acknowledges a note and shows it on the board over y-websocket', async () => {
    const links = await kiosk().createSession()
    const { doc } = await kiosk().board(links)
    const phone = await kiosk().phone(links.id, { deviceId: newClientId() })
    const ack = await emitAck<NoteAck>(phone, 'note:create', { id: newClientId(), text: '紙の申請書が多すぎる' })
    expect(ack).toEqual({ ok: true, noteId: expect.any(String) })
    await waitFor(() => {
      const notes = readNotes(doc)
      expect(notes).toHaveLength(1)
      expect(notes[0]).toMatchObject({ id: (ack as { noteId: string }).noteId, text: '紙の申請書が多すぎる', status: 'visible' })
    })
  })

  it('sends the session state to a phone when it connects', async () => {
    const links = await kiosk().createSession('窓口DX', '困っていること')
    const phone = await kiosk().phone(links.id)
    await waitFor(() =>
      expect(lastState(phone)).toEqual({
        id: links.id,
        title: '窓口DX',
        prompt: '困っていること',
        promptId: expect.any(String),
        locked: false,
        closed: false,
        lang: null,
        phase: 'collect',
        maxNoteChars: 200,
        timer: null,
        serverNow: expect.any(Number),
        voting: false,
        protocol: 1,
        faceDown: false,
        vote: null,
        questions: 'off',
        // the session's first prompt is its agenda's first activity, and the current one
        activity: { id: expect.stringMatching(/^notes:/), kind: 'notes', title: '困っていること' },
      }),
    )
  })

  it('answers a resent id like the first time and never makes a second note', async () => {
    const links = await kiosk().createSession()
    const phone = await kiosk().phone(links.id)
    const id = newClientId()
    const first = await emitAck<NoteAck>(phone, 'note:create', { id, text: '押印をなくしたい' })
    const again = await emitAck<NoteAck>(phone, 'note:create', { id, text: '押印をなくしたい' })
    const other = await kiosk().phone(links.id)
    const third = await emitAck<NoteAck>(other, 'note:create', { id, text: 'something else entirely' })
    expect(first.ok).toBe(true)
    expect(again).toEqual(first)
    expect(third).toEqual(first)
    const { doc } = await kiosk().board(links)
    expect(readNotes(doc)).toHaveLength(1)
  })

  it('answers the same id sent twice at once with one note', async () => {
    const links = await kiosk().createSession()
    const phone = await kiosk().phone(links.id)
    const id = newClientId()
    const acks = await Promise.all([1, 2, 3].map(() => emitAck<NoteAck>(phone, 'note:create', { id, text: '同時に二回' })))
    expect(new Set(acks.map((a) => JSON.stringify(a))).size).toBe(1)
    const { doc } = await kiosk().board(links)
    expect(readNotes(doc)).toHaveLength(1)
  })

  it.each([
    ['a missing text', { id: 'x1' }, 'invalid'],
    ['a number as text', { id: 'x2', text: 42 }, 'invalid'],
    ['an empty id', { id: '', text: 'hello' }, 'invalid'],
    ['an id over 64 characters', { id: 'x'.repeat(65), text: 'hello' }, 'invalid'],
    ['no payload at all', null, 'invalid'],
    ['only spaces and invisible characters', { id: 'x3', text: '  \u200b\u202e \n\t ' }, 'empty'],
    ['201 characters', { id: 'x4', text: 'あ'.repeat(201) }, 'too_long'],
    ['10,000 characters of Japanese', { id: 'x5', text: '長'.repeat(10_000) }, 'too_long'],
  ])('refuses %s and changes nothing', async (_name, payload, error) => {
    const links = await kiosk().createSession()
    const { doc } = await kiosk().board(links)
    const before = readNotes(doc).length
    const phone = await kiosk().phone(links.id)
    const ack = await emitAck<NoteAck>(phone, 'note:create', payload)
    expect(ack).toEqual({ ok: false, error })
    // a note that is fine goes through afterwards, so the board would have shown a wrong one
    await emitAck(phone, 'note:create', { id: newClientId(), text: 'ok' })
    await waitFor(() => expect(readNotes(doc).map((n) => n.text)).toEqual(['ok']))
    expect(before).toBe(0)
  })

  it('counts 200 emoji with modifiers as 200 characters, and cleans bidi overrides', async () => {
    const links = await kiosk().createSession()
    const phone = await kiosk().phone(links.id)
    const ok = await emitAck<NoteAck>(phone, 'note:create', { id: newClientId(), text: '👍🏽'.repeat(200) })
    expect(ok.ok).toBe(true)
    const tooMany = await emitAck<NoteAck>(phone, 'note:create', { id: newClientId(), text: '👍🏽'.repeat(201) })
    expect(tooMany).toEqual({ ok: false, error: 'too_long' })
    const cleaned = await emitAck<NoteAck>(phone, 'note:create', { id: newClientId(), text: ' abc\u202Edef\u0007 ' })
    expect(cleaned.ok).toBe(true)
    const { doc } = await kiosk().board(links)
    expect(readNotes(doc).map((n) => n.text)).toContain('abcdef')
  })

  it('refuses notes with `locked` while the facilitator has locked posting', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const stateSeen = new Promise<SessionState>((resolve) => phone.on('session:state', (s) => s.locked && resolve(s)))
    expect(await emitAck(fac, 'session:update', { locked: true })).toEqual({ ok: true })
    expect((await stateSeen).locked).toBe(true)
    expect(await emitAck(phone, 'note:create', { id: newClientId(), text: 'late' })).toEqual({ ok: false, error: 'locked' })
    expect(await emitAck(fac, 'session:update', { locked: false })).toEqual({ ok: true })
    expect((await emitAck<NoteAck>(phone, 'note:create', { id: newClientId(), text: 'now' })).ok).toBe(true)
  })

  it('tells a phone what became of its notes', async () => {
    const links = await kiosk().createSession()
    const phone = await kiosk().phone(links.id)
    const mine = newClientId()
    const ack = (await emitAck<NoteAck>(phone, 'note:create', { id: mine, text: '状態を知りたい' })) as { noteId: string }
    const fac = await kiosk().facilitator(links.id)
    expect(await emitAck(fac, 'note:moderate', { noteId: ack.noteId, action: 'hide' })).toEqual({ ok: true })
    const res = await emitAck(phone, 'note:mine', { ids: [mine, 'never-sent'] })
    expect(res).toEqual({
      ok: true,
      notes: [
        { id: mine, noteId: ack.noteId, status: 'hidden' },
        { id: 'never-sent', status: 'unknown' },
      ],
    })
  })

  it('refuses a phone connecting to an unknown or malformed session with not_found', async () => {
    await expect(kiosk().phone('nosuchsess')).rejects.toMatchObject({ data: { code: 'not_found' } })
    await expect(kiosk().phone('../../etc/passwd')).rejects.toMatchObject({ data: { code: 'not_found' } })
  })
})

describe('limits on posting', () => {
  it('answers rate_limited once a phone posts faster than a person would, and lets others post', async () => {
    const kiosk = await kioskForTest({ limits: { notesBurstPerPhone: 3, notesPerMinutePerPhone: 1 } as typeof ROOMY_LIMITS })
    const links = await kiosk.createSession()
    const deviceId = newClientId()
    const phone = await kiosk.phone(links.id, { deviceId })
    const acks: NoteAck[] = []
    for (let i = 0; i < 5; i++) acks.push(await emitAck<NoteAck>(phone, 'note:create', { id: newClientId(), text: `note ${i}` }))
    expect(acks.map((a) => a.ok)).toEqual([true, true, true, false, false])
    expect(acks[3]).toEqual({ ok: false, error: 'rate_limited' })
    // the same phone on a new connection is still the same phone
    const again = await kiosk.phone(links.id, { deviceId })
    expect(await emitAck(again, 'note:create', { id: newClientId(), text: 'x' })).toEqual({ ok: false, error: 'rate_limited' })
    const neighbour = await kiosk.phone(links.id, { deviceId: newClientId() })
    expect((await emitAck<NoteAck>(neighbour, 'note:create', { id: newClientId(), text: 'mine' })).ok).toBe(true)
  })
})

describe('durability', () => {
  it('keeps every acknowledged note across a restart, once each', async () => {
    const first = await kioskForTest({ limits: ROOMY_LIMITS })
    const links = await first.createSession()
    const phone = await first.phone(links.id)
    const ids: string[] = []
    const acked: string[] = []
    for (let i = 0; i < 20; i++) ids.push(newClientId())
    const acks = await Promise.all(ids.map((id, i) => emitAck<NoteAck>(phone, 'note:create', { id, text: `note ${i}` })))
    for (const a of acks) if (a.ok) acked.push(a.noteId)
    expect(acked).toHaveLength(20)
    await first.close()

    const second = await kioskForTest({ dataDir: first.dataDir, facilitatorToken: first.token })
    const { doc } = await second.board(links)
    expect(readNotes(doc).map((n) => n.id).sort()).toEqual([...acked].sort())
    // and a resend after the restart is still recognised
    const phone2 = await second.phone(links.id)
    expect(await emitAck(phone2, 'note:create', { id: ids[0], text: 'note 0' })).toEqual(acks[0])
    expect(readNotes(doc)).toHaveLength(20)
  })

  it('compacts the update log and loads the same board from it', async () => {
    const first = await kioskForTest({ compactAfterUpdates: 10, limits: ROOMY_LIMITS })
    const links = await first.createSession()
    const phone = await first.phone(links.id)
    for (let i = 0; i < 25; i++) await emitAck(phone, 'note:create', { id: newClientId(), text: `n${i}` })
    // The writer compacts once it has a quiet moment (server/store/worker.ts).
    await expect.poll(() => first.countUpdates(links.id), { timeout: 5_000 }).toBeLessThan(10)
    await first.close()
    const second = await kioskForTest({ dataDir: first.dataDir })
    const { doc } = await second.board(links)
    expect(readNotes(doc).map((n) => n.text).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `n${i}`).sort())
  })
})
