/**
 * The whole kiosk on PostgreSQL (`DATABASE_URL`): a note is acknowledged only once stored, a
 * second kiosk on the same database (another node, or this one restarted) finds it, and a
 * phone's resend there is answered with the same note, never a second one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readNotes } from '../../shared/board-doc.ts'
import type { Ack } from '../../shared/errors.ts'
import { newClientId } from '../../shared/ids.ts'
import { emitAck, ROOMY_LIMITS, startKiosk } from '../helpers/kiosk.ts'
import { haveServices, startPostgres, type Running } from '../helpers/services.ts'
import { waitFor } from '../helpers/wait.ts'

type NoteAck = Ack<{ noteId: string }>

describe.skipIf(!haveServices())('a kiosk on PostgreSQL', () => {
  let pg: Running
  beforeAll(async () => {
    pg = await startPostgres()
  })
  afterAll(async () => {
    await pg?.stop()
  })

  it('keeps acknowledged notes for the next kiosk on the same database, and a resend there makes no double', async () => {
    const first = await startKiosk({ databaseUrl: pg.url, limits: ROOMY_LIMITS })
    const links = await first.createSession()
    const phone = await first.phone(links.id, { deviceId: newClientId() })
    const ids = Array.from({ length: 20 }, () => newClientId())
    const acks = await Promise.all(ids.map((id, i) => emitAck<NoteAck>(phone, 'note:create', { id, text: `メモ ${i}` })))
    expect(acks.filter((a) => !a.ok)).toEqual([])
    // Gone without a goodbye would be the same for PostgreSQL: each ack followed its COMMIT.
    await first.close()

    const second = await startKiosk({ databaseUrl: pg.url, facilitatorToken: first.token })
    try {
      expect(second.token).toBe(first.token)
      const again = await second.phone(links.id)
      const resent = await emitAck<NoteAck>(again, 'note:create', { id: ids[0], text: 'メモ 0' })
      expect(resent).toEqual(acks[0])
      const { doc } = await second.board(links)
      await waitFor(() => expect(readNotes(doc).map((n) => n.text).sort()).toEqual(ids.map((_, i) => `メモ ${i}`).sort()))
      const list = (await (await fetch(`${second.url}/api/sessions`, { headers: { authorization: `Bearer ${second.token}` } })).json()) as Array<{ id: string }>
      expect(list.map((s) => s.id)).toContain(links.id)
    } finally {
      await second.close()
    }
  })
})
