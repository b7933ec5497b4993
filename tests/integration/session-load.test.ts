import { describe, expect, it } from 'vitest'
import { readNotes } from '../../shared/board-doc.ts'
import { newClientId } from '../../shared/ids.ts'
import type { SessionLinks } from '../../shared/protocol.ts'
import { LOAD_PAGE_ROWS, LOG_ROW_BYTES } from '../../server/store/sql.ts'
import type { Engine } from '../../server/store/store.ts'
import { bigRecord } from '../../bench/stall.ts'
import { emitAck, kioskForTest, lastState, ROOMY_LIMITS, withDatabase, type TestKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

const NOTES = 1_500

/** A kiosk holding a session of NOTES notes (imported), then started again so that nothing of it is in memory. */
async function storedBigSession(notes = NOTES): Promise<{ kiosk: TestKiosk; links: SessionLinks }> {
  const first = await kioskForTest({ limits: ROOMY_LIMITS })
  const res = await fetch(`${first.url}/api/sessions/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(bigRecord(notes)),
  })
  expect(res.status).toBe(201)
  const links = (await res.json()) as SessionLinks
  await first.close()
  // one row per turn: the steps of a load are there to see, whatever the machine's speed
  const kiosk = await kioskForTest({ dataDir: first.dataDir, facilitatorToken: first.token, limits: ROOMY_LIMITS, loadStepMs: 0 })
  return { kiosk, links }
}

const rowSizes = (k: TestKiosk, session: string) =>
  withDatabase(`${k.dataDir}/kurumaza.sqlite`, (db) =>
    db.prepare<[string], { bytes: number }>('SELECT length(data) AS bytes FROM updates WHERE session_id = ? ORDER BY seq').all(session).map((r) => r.bytes),
  )

describe('loading a large session', () => {
  it('stores the board in rows a load can take in steps, and lets the event loop turn between them', async () => {
    const { kiosk, links } = await storedBigSession()
    const sizes = rowSizes(kiosk, links.id)
    expect(sizes.length).toBeGreaterThan(2)
    for (const bytes of sizes) expect(bytes).toBeLessThanOrEqual(LOG_ROW_BYTES)

    let turns = 0
    let counting = true
    const tick = () => {
      if (!counting) return
      turns++
      setImmediate(tick)
    }
    setImmediate(tick)
    const session = await kiosk.kiosk.sessions.load(links.id)
    counting = false
    // the event loop served other work while the rows were applied, one per turn
    expect(turns).toBeGreaterThanOrEqual(sizes.length - 1)
    expect(readNotes(session!.doc)).toHaveLength(NOTES)
  })

  it('serves everyone who connects during the load the whole board, from one load, and keeps every note', async () => {
    const { kiosk, links } = await storedBigSession()
    let loads = 0
    kiosk.kiosk.sessions.events.loaded.on(() => loads++)

    // all at once, before the session is in memory: phones, the facilitator, a board, the join API
    const [phones, facilitator, board, join] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, (_, i) => kiosk.phone(links.id, { deviceId: `load-phone-${i}` }))),
      kiosk.facilitator(links.id),
      kiosk.board(links),
      fetch(`${kiosk.url}/api/sessions/${links.id}/join`).then((r) => r.status),
    ])
    expect(loads).toBe(1)
    expect(join).toBe(200)
    for (const phone of [...phones, facilitator]) await waitFor(() => expect(lastState(phone)?.id).toBe(links.id))
    await waitFor(() => expect(readNotes(board.doc)).toHaveLength(NOTES), 20_000)

    const acks = await Promise.all(phones.map((phone, i) => emitAck<{ ok: boolean }>(phone, 'note:create', { id: newClientId(), text: `読み込み後 ${i}` })))
    expect(acks.every((a) => a.ok)).toBe(true)
    await waitFor(() => expect(readNotes(board.doc)).toHaveLength(NOTES + phones.length), 20_000)

    // and all of it is there after another start
    await kiosk.close()
    const again = await kioskForTest({ dataDir: kiosk.dataDir, facilitatorToken: kiosk.token, limits: ROOMY_LIMITS })
    const reloaded = await again.kiosk.sessions.load(links.id)
    expect(readNotes(reloaded!.doc)).toHaveLength(NOTES + phones.length)
  })

  it('reads the stored log a page of rows per turn, not all of it at once', async () => {
    const { kiosk, links } = await storedBigSession(4_000)
    const rows = rowSizes(kiosk, links.id).length
    expect(rows).toBeGreaterThan(2 * LOAD_PAGE_ROWS)
    // Every read of the session's log the store's engine answers, and the turn it came in.
    let turn = 0
    let counting = true
    const tick = () => {
      if (!counting) return
      turn++
      setImmediate(tick)
    }
    setImmediate(tick)
    const engine = (kiosk.store as unknown as { engine: Engine }).engine
    const all = engine.all.bind(engine)
    const reads: Array<{ rows: number; turn: number }> = []
    engine.all = <T>(name: Parameters<Engine['all']>[0], params: Parameters<Engine['all']>[1]): T[] => {
      const out = all<T>(name, params)
      if (name.startsWith('loadUpdates') && params[0] === links.id) reads.push({ rows: out.length, turn })
      return out
    }
    const session = await kiosk.kiosk.sessions.load(links.id)
    counting = false
    engine.all = all
    expect(readNotes(session!.doc)).toHaveLength(4_000)
    expect(reads.reduce((n, r) => n + r.rows, 0)).toBe(rows)
    expect(Math.max(...reads.map((r) => r.rows))).toBeLessThanOrEqual(LOAD_PAGE_ROWS)
    // each page in a turn of its own
    for (let i = 1; i < reads.length; i++) expect(reads[i]!.turn).toBeGreaterThan(reads[i - 1]!.turn)
  })

  it('does not bring back a session deleted while it loaded', async () => {
    const { kiosk, links } = await storedBigSession()
    const loading = kiosk.kiosk.sessions.load(links.id)
    expect(await kiosk.kiosk.sessions.delete(links.id)).toBe(true)
    expect(await loading).toBeUndefined()
    expect(kiosk.kiosk.sessions.get(links.id)).toBeUndefined()
    expect(kiosk.kiosk.sessions.row(links.id)).toBeUndefined()
  })
})
