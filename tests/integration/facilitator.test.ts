import { describe, expect, it, vi } from 'vitest'
import { readMeta, readNotes } from '../../shared/board-doc.ts'
import { newClientId } from '../../shared/ids.ts'
import { emitAck, kioskForTest, lastState, useKiosk } from '../helpers/kiosk.ts'

/** Every event of docs/PROTOCOL.md a phone may not send. */
const FACILITATOR_ONLY = [
  'survey:create', 'survey:edit', 'survey:delete', 'survey:open', 'survey:close', 'survey:reveal', 'survey:words',
  'agenda:add', 'agenda:move', 'agenda:remove', 'agenda:current', 'question:moderate', 'session:update',
  'note:moderate', 'note:edit', 'prompt:add', 'vote:open', 'vote:close', 'timer:start', 'timer:stop', 'words:get', 'words:set',
] as const
import { waitFor } from '../helpers/wait.ts'

describe('facilitator events over Socket.io', () => {
  const kiosk = useKiosk()

  it('answers every facilitator event from a phone with unauthorized and changes nothing', async () => {
    const links = await kiosk().createSession('そのまま')
    const phone = await kiosk().phone(links.id)
    const note = (await emitAck(phone, 'note:create', { id: newClientId(), text: '残る' })) as { noteId: string }
    expect(await emitAck(phone, 'session:update', { locked: true, title: '乗っ取り' })).toEqual({ ok: false, error: 'unauthorized' })
    expect(await emitAck(phone, 'note:moderate', { noteId: note.noteId, action: 'delete' })).toEqual({ ok: false, error: 'unauthorized' })
    const { doc } = await kiosk().board(links)
    expect(readMeta(doc)).toMatchObject({ title: 'そのまま', locked: false })
    expect(readNotes(doc)).toHaveLength(1)
  })

  it('answers each facilitator-only event from a phone with unauthorized, the first phone of a kiosk too', async () => {
    // A phone's socket has no listeners of its own for these (server/realtime/socket.ts onFacilitator).
    const fresh = await kioskForTest()
    try {
      const links = await fresh.createSession('そのまま')
      const phone = await fresh.phone(links.id)
      for (const event of FACILITATOR_ONLY) expect(await emitAck(phone, event, {}), event).toEqual({ ok: false, error: 'unauthorized' })
      // and the phone's own events still answer
      expect(await emitAck(phone, 'note:create', { id: newClientId(), text: '残る' })).toMatchObject({ ok: true })
      expect(await emitAck(phone, 'survey:answer', {})).toEqual({ ok: false, error: 'invalid' })
      const fac = await fresh.facilitator(links.id)
      expect(await emitAck(fac, 'words:get', {})).toMatchObject({ ok: true })
    } finally {
      await fresh.close()
    }
  })

  it('refuses a connection that presents a wrong token', async () => {
    const links = await kiosk().createSession()
    await expect(kiosk().facilitator(links.id, 'not-the-token')).rejects.toMatchObject({ data: { code: 'unauthorized' } })
  })

  it('moderates notes: hide, show, approve, delete, and not_found for an unknown note', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    const { doc } = await kiosk().board(links, 'token')
    expect(await emitAck(fac, 'session:update', { moderation: 'pre' })).toEqual({ ok: true })
    const a = (await emitAck(phone, 'note:create', { id: newClientId(), text: 'まず保留' })) as { noteId: string }
    await waitFor(() => expect(readNotes(doc)[0]?.status).toBe('pending'))
    expect(await emitAck(fac, 'note:moderate', { noteId: a.noteId, action: 'approve' })).toEqual({ ok: true })
    await waitFor(() => expect(readNotes(doc)[0]?.status).toBe('visible'))
    expect(await emitAck(fac, 'note:moderate', { noteId: a.noteId, action: 'hide' })).toEqual({ ok: true })
    await waitFor(() => expect(readNotes(doc)[0]?.status).toBe('hidden'))
    expect(await emitAck(fac, 'note:moderate', { noteId: a.noteId, action: 'show' })).toEqual({ ok: true })
    await waitFor(() => expect(readNotes(doc)[0]?.status).toBe('visible'))
    expect(await emitAck(fac, 'note:moderate', { noteId: a.noteId, action: 'delete' })).toEqual({ ok: true })
    await waitFor(() => expect(readNotes(doc)).toHaveLength(0))
    expect(await emitAck(fac, 'note:moderate', { noteId: a.noteId, action: 'show' })).toEqual({ ok: false, error: 'not_found' })
  })

  it.each([
    ['an empty update', {}],
    ['an unknown field', { colour: 'red' }],
    ['a non-boolean lock', { locked: 'yes' }],
    ['an unknown moderation mode', { moderation: 'maybe' }],
  ])('refuses %s with invalid and changes nothing', async (_name, payload) => {
    const links = await kiosk().createSession('同じ')
    const fac = await kiosk().facilitator(links.id)
    expect(await emitAck(fac, 'session:update', payload)).toEqual({ ok: false, error: 'invalid' })
    expect(readMeta(kiosk().kiosk.sessions.get(links.id)!.doc)).toMatchObject({ title: '同じ', locked: false, moderation: 'post' })
  })

  it('changes the title and prompt, cleaned, and phones get the new state', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    expect(await emitAck(fac, 'session:update', { title: ' 新しい\nタイトル ', prompt: '次の問い' })).toEqual({ ok: true })
    await waitFor(() => expect(lastState(phone)).toMatchObject({ title: '新しい タイトル', prompt: '次の問い' }))
    expect(await emitAck(fac, 'session:update', { title: '   ' })).toEqual({ ok: false, error: 'empty' })
  })
})
