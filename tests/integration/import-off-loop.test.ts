import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { bigRecord } from '../../bench/stall.ts'
import { quietLogger } from '../../server/log.ts'
import { NOTES_PER_MESSAGE, readRecordBytes } from '../../server/record/import-thread.ts'
import { notesMap } from '../../shared/board-doc.ts'
import { LIMITS } from '../../shared/limits.ts'
import type { SessionLinks } from '../../shared/protocol.ts'
import { kioskForTest, ROOMY_LIMITS, type TestKiosk } from '../helpers/kiosk.ts'

const NOTES: number = 2_000
const limits = { ...ROOMY_LIMITS, maxNotesPerSession: NOTES, maxImportBytes: 1024 * 1024 } as typeof LIMITS

const post = (kiosk: TestKiosk, body: string | Uint8Array<ArrayBuffer>, type = 'application/json') =>
  fetch(`${kiosk.url}/api/sessions/import`, { method: 'POST', headers: { authorization: `Bearer ${kiosk.token}`, 'content-type': type }, body })

/** The longest string the test's (and the in-process kiosk's) main thread hands to JSON.parse while `fn` runs. */
async function longestParsedOnLoop<T>(fn: () => Promise<T>): Promise<{ value: T; longest: number }> {
  const parse = JSON.parse
  let longest = 0
  JSON.parse = ((text: string, reviver?: Parameters<typeof parse>[1]) => {
    longest = Math.max(longest, String(text).length)
    return parse(text, reviver)
  }) as typeof JSON.parse
  try {
    return { value: await fn(), longest }
  } finally {
    JSON.parse = parse
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('importing a record at the note cap off the event loop', () => {
  it('parses and checks the JSON in a thread: the event loop never parses the record, and every note lands durably', async () => {
    const kiosk = await kioskForTest({ limits })
    const body = JSON.stringify(bigRecord(NOTES))
    expect(body.length).toBeGreaterThan(200_000)
    const { value: res, longest } = await longestParsedOnLoop(() => post(kiosk, body))
    expect(res.status).toBe(201)
    const links = (await res.json()) as SessionLinks
    // The answer itself and small bodies are parsed here; the record never is (body-parser's
    // JSON.parse of the whole body ran on the loop before).
    expect(longest).toBeLessThan(10_000)
    expect(notesMap((await kiosk.kiosk.sessions.load(links.id))!.doc).size).toBe(NOTES)
    // stored, not just in memory: a kiosk started afresh on the same folder has them all
    await kiosk.close()
    const again = await kioskForTest({ dataDir: kiosk.dataDir, facilitatorToken: kiosk.token, limits })
    const doc = (await again.kiosk.sessions.load(links.id))!.doc
    expect(notesMap(doc).size).toBe(NOTES)
    expect((notesMap(doc).get(`n${NOTES - 1}`) as Y.Map<unknown>).get('text')).toBe(`窓口の申請書が多すぎて、住民の方を${NOTES - 1}分お待たせしてしまうことがある`)
  })

  it('answers a too-large body, bad JSON, a bad shape, another charset or type as before, and creates nothing', async () => {
    const kiosk = await kioskForTest({ limits: { ...limits, maxImportBytes: 50_000 } })
    const before = kiosk.kiosk.sessions.list().length
    const big = await post(kiosk, JSON.stringify(bigRecord(NOTES)))
    expect([big.status, await big.json()]).toEqual([413, { error: 'payload_too_large' }])
    for (const body of ['{"version": 1, "session": ', '', 'null', '"record"', '[1, 2]', JSON.stringify({ version: 1, notes: [] }), JSON.stringify({ ...bigRecord(2), notes: [{ id: 'x' }] })]) {
      const res = await post(kiosk, body)
      expect([body.slice(0, 30), res.status, await res.json()]).toEqual([body.slice(0, 30), 400, { error: 'invalid' }])
    }
    const small = JSON.stringify(bigRecord(3))
    for (const type of ['text/plain', 'application/json; charset=utf-16']) {
      const res = await post(kiosk, small, type)
      expect([type, res.status, await res.json()]).toEqual([type, 400, { error: 'invalid' }])
    }
    // more notes than the cap: refused as full before any of them is read
    const over = await post(kiosk, JSON.stringify({ ...bigRecord(3), notes: Array.from({ length: NOTES + 1 }, (_, i) => ({ id: `n${i}` })) }))
    expect([over.status, await over.json()]).toEqual([400, { error: 'full' }])
    expect(kiosk.kiosk.sessions.list()).toHaveLength(before)
    // a UTF-8 byte-order mark was allowed before (body-parser dropped it), and so is a charset of utf-8
    const bom = await post(kiosk, new TextEncoder().encode(`\uFEFF${small}`), 'application/json; charset=UTF-8')
    expect(bom.status).toBe(201)
    expect(kiosk.kiosk.sessions.list()).toHaveLength(before + 1)
  })

  it('hands the checked notes over a few hundred per message, and reads the record on the loop when the thread cannot start', async () => {
    const bytes = Buffer.from(JSON.stringify(bigRecord(1_200)))
    const big = { ...limits, maxNotesPerSession: 5_000 }
    const port = await import('node:worker_threads')
    const sizes: number[] = []
    const original = port.Worker.prototype.emit
    vi.spyOn(port.Worker.prototype, 'emit').mockImplementation(function (this: InstanceType<typeof port.Worker>, event: string | symbol, ...args: unknown[]) {
      const msg = args[0] as { kind?: string; notes?: unknown[] } | undefined
      if (event === 'message' && msg?.kind === 'notes') sizes.push(msg.notes!.length)
      return original.call(this, event, ...args)
    })
    const read = await readRecordBytes(bytes, big, quietLogger([]))
    expect(read.ok).toBe(true)
    expect(sizes).toEqual([NOTES_PER_MESSAGE, NOTES_PER_MESSAGE, 1_200 - 2 * NOTES_PER_MESSAGE])
    const doc = new Y.Doc()
    if (read.ok) await read.apply(doc)
    expect(notesMap(doc).size).toBe(1_200)
    vi.restoreAllMocks()

    const logs: string[] = []
    const fallback = await readRecordBytes(bytes, big, quietLogger(logs), new URL('./no-such-thread.mjs', import.meta.url))
    expect(fallback.ok).toBe(true)
    expect(logs.some((l) => l.includes('import thread is not available'))).toBe(true)
    const doc2 = new Y.Doc()
    if (fallback.ok) await fallback.apply(doc2)
    expect(notesMap(doc2).size).toBe(1_200)
    expect(await readRecordBytes(Buffer.from('{"version":'), big, quietLogger([]), new URL('./no-such-thread.mjs', import.meta.url))).toEqual({ ok: false, error: 'invalid' })
  })
})
