/**
 * Two nodes on one PostgreSQL and one Redis (in-process kiosks, no proxy): a client that
 * reaches the node not holding its session is still served there. That node asks the holder
 * over the bus to let go; the holder stores what it has, closes that session's connections and
 * gives the lease back; the session moves with every acknowledged note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readNotes } from '../../shared/board-doc.ts'
import type { Ack } from '../../shared/errors.ts'
import { newClientId } from '../../shared/ids.ts'
import { emitAck, startKiosk, type TestKiosk } from '../helpers/kiosk.ts'
import { haveServices, startPostgres, startRedis, type Running } from '../helpers/services.ts'
import { waitFor } from '../helpers/wait.ts'

type NoteAck = Ack<{ noteId: string }>
const TOKEN = 'handover-test-token-0123456789abcdefghijk'

describe.skipIf(!haveServices())('two nodes handing a session over', () => {
  const services: Running[] = []
  const nodes: TestKiosk[] = []
  beforeAll(async () => {
    const [db, redis] = await Promise.all([startPostgres(), startRedis()])
    services.push(db, redis)
    for (let i = 0; i < 2; i++) nodes.push(await startKiosk({ databaseUrl: db.url, redisUrl: redis.url, facilitatorToken: TOKEN }))
  })
  afterAll(async () => {
    for (const n of nodes) await n.close()
    for (const s of services) await s.stop()
  })

  it('serves a phone that reaches the other node, after the holder lets the session go', async () => {
    const [a, b] = nodes as [TestKiosk, TestKiosk]
    const links = await a.createSession()
    const first = await a.phone(links.id)
    const before = await emitAck<NoteAck>(first, 'note:create', { id: newClientId(), text: '最初の付箋' })
    expect(before.ok).toBe(true)
    expect(a.kiosk.sessions.loaded().map((s) => s.id)).toContain(links.id)

    const closed = new Promise<string>((resolve) => first.once('disconnect', (reason) => resolve(reason)))
    const second = await b.phone(links.id)
    // The holder closed the transport (so a real client reconnects, through the proxy, by itself).
    expect(await closed).toBe('transport close')
    expect(a.kiosk.sessions.loaded().map((s) => s.id)).not.toContain(links.id)
    const after = await emitAck<NoteAck>(second, 'note:create', { id: newClientId(), text: '二枚目' })
    expect(after.ok).toBe(true)
    const { doc } = await b.board(links)
    await waitFor(() => expect(readNotes(doc).map((n) => n.text).sort()).toEqual(['二枚目', '最初の付箋'].sort()))
  })
})
