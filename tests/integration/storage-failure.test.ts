import { describe, expect, it, vi } from 'vitest'
import { readNotes } from '../../shared/board-doc.ts'
import { newClientId } from '../../shared/ids.ts'
import { emitAck, failWrites, kioskForTest } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

// A full disk cannot be made portably in a test, so SQLite itself is made to refuse the kiosk's
// writes with a full disk's message (triggers, see failWrites); everything else is the real
// kiosk, its writer thread included.
describe('when the database cannot be written', () => {
  it('refuses notes with unavailable instead of acknowledging them, and takes them off the board', async () => {
    const kiosk = await kioskForTest()
    const links = await kiosk.createSession()
    const { doc } = await kiosk.board(links)
    const phone = await kiosk.phone(links.id)
    const fac = await kiosk.facilitator(links.id)
    const statuses: unknown[] = []
    fac.on('kiosk:status', (s) => statuses.push(s))
    const diskHasRoom = failWrites(kiosk.dataFile, 'database or disk is full')
    const id = newClientId()
    expect(await emitAck(phone, 'note:create', { id, text: '消えてはいけない' })).toEqual({ ok: false, error: 'unavailable' })
    expect((await fetch(`${kiosk.url}/healthz`)).status).toBe(503)
    // the console is told, so the facilitator can act
    await waitFor(() => expect(statuses.at(-1)).toEqual({ storage: 'failing', message: 'database or disk is full' }))
    await waitFor(() => expect(readNotes(doc)).toHaveLength(0))
    expect(kiosk.logs.some((l) => l.includes('database or disk is full'))).toBe(true)

    // The disk has room again: the phone resends the same note and it is kept, once.
    diskHasRoom()
    const ack = await emitAck<{ ok: boolean; noteId?: string }>(phone, 'note:create', { id, text: '消えてはいけない' })
    expect(ack.ok).toBe(true)
    await waitFor(() => expect(readNotes(doc).map((n) => n.text)).toEqual(['消えてはいけない']))
    expect((await fetch(`${kiosk.url}/healthz`)).status).toBe(200)
    await waitFor(() => expect(statuses.at(-1)).toEqual({ storage: 'ok' }))
    await kiosk.close()
    const again = await kioskForTest({ dataDir: kiosk.dataDir })
    const reopened = await again.board(links)
    expect(readNotes(reopened.doc).map((n) => n.id)).toEqual([ack.noteId])
  })

  it('stores a board change that failed with the next write, leaving no hole in the log', async () => {
    const kiosk = await kioskForTest()
    const links = await kiosk.createSession('before')
    const writer = await kiosk.board(links, 'token')
    const diskWorks = failWrites(kiosk.dataFile, 'disk I/O error', ['updates'])
    writer.doc.getMap('meta').set('title', 'during')
    await waitFor(() => expect(kiosk.logs.some((l) => l.includes('disk I/O error'))).toBe(true))
    diskWorks()
    writer.doc.getMap('meta').set('prompt', 'after')
    const phone = await kiosk.phone(links.id)
    expect((await emitAck<{ ok: boolean }>(phone, 'note:create', { id: newClientId(), text: 'x' })).ok).toBe(true)
    await kiosk.close()
    const again = await kioskForTest({ dataDir: kiosk.dataDir })
    const { doc } = await again.board(links)
    expect(doc.getMap('meta').get('title')).toBe('during')
    expect(doc.getMap('meta').get('prompt')).toBe('after')
    expect(readNotes(doc).map((n) => n.text)).toEqual(['x'])
  })

  it('takes a facilitator change back when it cannot be stored, and says so', async () => {
    const kiosk = await kioskForTest()
    const links = await kiosk.createSession()
    const phone = await kiosk.phone(links.id)
    const posted = await emitAck<{ ok: boolean; noteId: string }>(phone, 'note:create', { id: newClientId(), text: '隠されない' })
    const fac = await kiosk.facilitator(links.id)
    const { doc } = await kiosk.board(links, 'token')
    await waitFor(() => expect(readNotes(doc).map((n) => n.status)).toEqual(['visible']))
    const diskHasRoom = failWrites(kiosk.dataFile, 'database or disk is full')
    expect(await emitAck(fac, 'note:moderate', { noteId: posted.noteId, action: 'hide' })).toEqual({ ok: false, error: 'unavailable' })
    expect(await emitAck(fac, 'session:update', { title: '消えるはずの題' })).toEqual({ ok: false, error: 'unavailable' })
    // what the console and the board show is what is kept
    await waitFor(() => expect(readNotes(doc).map((n) => n.status)).toEqual(['visible']))
    await waitFor(() => expect(doc.getMap('meta').get('title')).toBe('テストの会'))
    diskHasRoom()
    expect(await emitAck(fac, 'note:moderate', { noteId: posted.noteId, action: 'hide' })).toEqual({ ok: true })
    await kiosk.close()
    const again = await kioskForTest({ dataDir: kiosk.dataDir })
    const reopened = await again.board(links, 'token')
    expect(readNotes(reopened.doc).map((n) => n.status)).toEqual(['hidden'])
    expect(reopened.doc.getMap('meta').get('title')).toBe('テストの会')
  })
})
