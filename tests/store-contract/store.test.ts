/**
 * One contract for every store engine: embedded SQLite (always) and PostgreSQL (a throwaway
 * cluster from the system's package; skipped with one line when it is not installed, never
 * under CI=true). A statement added to store/sql.ts that no test here runs fails the last test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { rows } from '../../server/store/rows.ts'
import { READS, SCHEMA_VERSION, WRITES } from '../../server/store/sql.ts'
import { sqliteStore } from '../../server/store/sqlite.ts'
import { postgresStore } from '../../server/store/postgres.ts'
import type { SessionRow, Store } from '../../server/store/store.ts'
import { tempDir } from '../helpers/kiosk.ts'
import { haveServices, startPostgres, type Running } from '../helpers/services.ts'

interface Engine {
  name: string
  available: () => boolean
  /** a store on a database of its own; `again` opens a second store on the same data */
  open(trace: (name: string) => void): Promise<{ store: Store; again: () => Promise<Store> }>
  stop(): Promise<void>
}

const sqlite: Engine = {
  name: 'SQLite',
  available: () => true,
  async open(trace) {
    const dir = tempDir('kurumaza-contract-')
    const store = sqliteStore(dir, 'full', trace)
    await store.ready()
    return { store, again: async () => (await store.close(), sqliteStore(dir, 'full', trace)) }
  },
  async stop() {},
}

let pg: Running | undefined
let databases = 0
const postgres: Engine = {
  name: 'PostgreSQL',
  available: haveServices,
  async open(trace) {
    pg ??= await startPostgres()
    // A database of its own, so what another run left cannot be read as this one's.
    const name = `contract_${++databases}`
    const { default: pgLib } = await import('pg')
    const c = new pgLib.Client({ connectionString: pg.url })
    await c.connect()
    await c.query(`CREATE DATABASE ${name}`)
    await c.end()
    const url = pg.url.replace(/\/postgres$/, `/${name}`)
    const store = postgresStore(url, trace)
    await store.ready()
    // A second node's store: its own connections, same database, the first one still open.
    return { store, again: async () => postgresStore(url, trace) }
  },
  async stop() {
    await pg?.stop()
  },
}

const session = (id: string, createdAt = 1_000): SessionRow => ({ id, title: '窓口DX', prompt: '困りごと', boardKey: `key-${id}`, createdAt })

function update(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getArray<string>('a').push([text])
  return Y.encodeStateAsUpdate(doc)
}

function texts(updates: Uint8Array[]): string[] {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc.getArray<string>('a').toArray()
}

for (const engine of [sqlite, postgres]) {
  describe.skipIf(!engine.available())(`the store contract on ${engine.name}`, () => {
    const used = new Set<string>()
    const open: Store[] = []
    let store: Store
    let again: () => Promise<Store>

    beforeAll(async () => {
      const opened = await engine.open((n) => used.add(n))
      store = opened.store
      again = async () => {
        const s = await opened.again()
        open.push(s)
        await s.ready()
        return s
      }
      open.push(store)
    })
    afterAll(async () => {
      for (const s of open) await s.close()
      await engine.stop()
    })

    it('keeps a new session, its texts, summary and settings, listed newest first', async () => {
      await store.write(rows.newSession(session('s-old', 1_000), update('a')))
      await store.write(rows.newSession(session('s-new', 2_000), update('b')))
      await store.write(rows.newSession(session('s-tie', 2_000), update('c')))
      await store.write([rows.texts('s-old', '新しい題', '新しい問い'), rows.summary('s-old', { notes: 3, closed: true })])
      await store.write([rows.setting('k', 'v1')])
      await store.write([rows.setting('k', 'v2')])
      await store.write([rows.settingIfAbsent('k', 'v3'), rows.settingIfAbsent('k2', 'first')])
      await store.write([rows.settingIfAbsent('k2', 'second')])
      expect(store.getSetting('k2')).toBe('first')
      expect(store.getSession('s-old')).toEqual({ ...session('s-old'), title: '新しい題', prompt: '新しい問い', summary: { notes: 3, closed: true } })
      expect(store.getSession('nope')).toBeUndefined()
      expect(store.listSessions().map((s) => s.id).filter((id) => id.startsWith('s-'))).toEqual(['s-tie', 's-new', 's-old'])
      expect(store.getSetting('k')).toBe('v2')
      expect(store.getSetting('schema_version')).toBe(String(SCHEMA_VERSION))
    })

    it('appends updates (a list merged into one row), replaces the log, counts it', async () => {
      await store.write(rows.newSession(session('u1'), update('first')))
      await store.write([rows.append('u1', [update('x'), update('y')])])
      expect(store.countUpdates('u1')).toBe(2)
      expect(texts(store.loadUpdates('u1')).sort()).toEqual(['first', 'x', 'y'])
      const doc = new Y.Doc()
      for (const u of store.loadUpdates('u1')) Y.applyUpdate(doc, u)
      await store.write(rows.replace('u1', Y.encodeStateAsUpdate(doc)))
      expect(store.countUpdates('u1')).toBe(1)
      expect(texts(store.loadUpdates('u1')).sort()).toEqual(['first', 'x', 'y'])
    })

    it('reads a log a page at a time, in order, after a given row', async () => {
      await store.write(rows.newSession(session('p1'), update('p0')))
      for (let i = 1; i <= 4; i++) await store.write([rows.append('p1', [update(`p${i}`)])])
      await store.write(rows.newSession(session('p2'), update('other')))
      const all = store.loadUpdateRows('p1')
      expect(all).toHaveLength(5)
      const pages: Array<Array<{ seq: number; data: Uint8Array }>> = []
      for (let after = 0; ; ) {
        const page = store.loadUpdateRowsPage('p1', after, 2)
        pages.push(page)
        if (page.length < 2) break
        after = page[page.length - 1]!.seq
      }
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1])
      expect(pages.flat()).toEqual(all)
      expect(texts(pages.flat().map((r) => r.data)).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4'])
      expect(store.loadUpdateRowsPage('p1', all[4]!.seq, 2)).toEqual([])
    })

    it('compacts a log into few rows in order, keeping everything it held', async () => {
      await store.write(rows.newSession(session('k1'), update('seed')))
      await store.write([rows.append('k1', [update('a'), update('b')])])
      await store.write([rows.compact('k1', [update('c')])])
      // Stored at once; merged when the writer has a quiet moment (SQLite) or at once (PostgreSQL).
      expect(texts(store.loadUpdates('k1')).sort()).toEqual(['a', 'b', 'c', 'seed'])
      await expect.poll(() => store.countUpdates('k1'), { timeout: 5_000 }).toBe(1)
      expect(texts(store.loadUpdates('k1')).sort()).toEqual(['a', 'b', 'c', 'seed'])
    })

    it('is durable before it resolves: a second connection sees every acknowledged batch', async () => {
      await store.write(rows.newSession(session('d1'), update('a')))
      // Many batches at once: committed together or one by one, each resolves only once stored.
      const ids = Array.from({ length: 50 }, (_, i) => `c${i}`)
      await Promise.all(ids.map((c, i) => store.write([rows.append('d1', [update(c)]), rows.noteId('d1', c, `n${i}`, `dev${i % 5}`, 5)])))
      const other = await again()
      expect(other.noteIds('d1').map((r) => r.clientId).sort()).toEqual([...ids].sort())
      expect(texts(other.loadUpdates('d1')).length).toBe(51)
      expect(other.phonesPosted('d1')).toBe(5)
      store = other
    })

    it('keeps a phone resend idempotent: a second row for the same client id fails and changes nothing', async () => {
      await store.write(rows.newSession(session('i1'), update('a')))
      await store.write([rows.append('i1', [update('note')]), rows.noteId('i1', 'same', 'n1', 'dev', 1)])
      await expect(store.write([rows.append('i1', [update('double')]), rows.noteId('i1', 'same', 'n2', 'dev', 2)])).rejects.toThrow()
      expect(store.noteIds('i1')).toEqual([{ clientId: 'same', noteId: 'n1', deviceId: 'dev' }])
      expect(texts(store.loadUpdates('i1')).sort()).toEqual(['a', 'note'])
      // The log has a hole now: appends are refused until a batch replaces the whole log.
      await expect(store.write([rows.append('i1', [update('later')])])).rejects.toThrow(/not stored/)
      await store.write(rows.replace('i1', update('whole')))
      await store.write([rows.append('i1', [update('after')])])
      expect(texts(store.loadUpdates('i1')).sort()).toEqual(['after', 'whole'])
    })

    it('keeps dots per phone and vote, replacing a phone\'s count', async () => {
      await store.write(rows.newSession(session('v1'), update('a')))
      await store.write([rows.dots('v1', 'vote', 'p1', 'n1', 2), rows.dots('v1', 'vote', 'p1', 'n2', 1), rows.dots('v1', 'vote', 'p2', 'n1', 1)])
      await store.write([rows.dots('v1', 'vote', 'p1', 'n1', 0), rows.dots('v1', 'other', 'p3', 'n1', 1)])
      expect(store.myDots('v1', 'vote', 'p1')).toEqual({ n2: 1 })
      expect(store.voters('v1', 'vote')).toBe(2)
      expect(store.voters('v1', 'other')).toBe(1)
    })

    it("keeps each question's ids once and upvotes once per phone, dropped with their question", async () => {
      await store.write(rows.newSession(session('qa1'), update('a')))
      await store.write([rows.questionId('qa1', 'cq1', 'q1', 'dev', 1), rows.questionId('qa1', 'cq2', 'q2', null, 2)])
      await expect(store.write([rows.questionId('qa1', 'cq1', 'q9', 'dev', 3)])).rejects.toThrow()
      await store.write([rows.upvote('qa1', 'q1', 'p1', true), rows.upvote('qa1', 'q1', 'p1', true), rows.upvote('qa1', 'q1', 'p2', true), rows.upvote('qa1', 'q2', 'p1', true)])
      await store.write([rows.upvote('qa1', 'q1', 'p2', false), rows.dropUpvotes('qa1', 'q2')])
      const ids = (r: Array<{ clientId: string }>) => [...r].sort((x, y) => x.clientId.localeCompare(y.clientId))
      expect(ids(store.questionIds('qa1'))).toEqual([
        { clientId: 'cq1', questionId: 'q1', deviceId: 'dev' },
        { clientId: 'cq2', questionId: 'q2', deviceId: null },
      ])
      expect(store.upvotes('qa1')).toEqual([{ questionId: 'q1', phoneKey: 'p1' }])
    })

    it("keeps one survey answer per respondent per round, replaced when they answer again", async () => {
      await store.write(rows.newSession(session('sv1'), update('a')))
      await store.write([rows.surveyAnswer('sv1', 's1', 1, 'p1', '[0]', 10), rows.surveyAnswer('sv1', 's1', 1, 'p2', '[1]', 11)])
      await store.write([rows.surveyAnswer('sv1', 's1', 1, 'p1', '[2]', 12), rows.surveyAnswer('sv1', 's1', 2, 'p1', '[3]', 13)])
      expect(store.surveyAnswers('sv1', 's1', 1)).toEqual([
        { answers: '[1]', answeredAt: 11 },
        { answers: '[2]', answeredAt: 12 },
      ])
      expect(store.surveyAnswered('sv1', 's1')).toBe(3)
      expect(store.myAnswer('sv1', 's1', 1, 'p1')).toBe('[2]')
      expect(store.myAnswer('sv1', 's1', 1, 'p3')).toBeUndefined()
      await store.write([rows.deleteSession('sv1')])
      expect(store.surveyAnswered('sv1', 's1')).toBe(0)
    })

    it('sets an unreadable row aside, keeping its bytes and why', async () => {
      await store.write(rows.newSession(session('q1'), update('a')))
      await store.write([rows.append('q1', [new Uint8Array([1, 2, 3])])])
      const bad = store.loadUpdateRows('q1')[1]!
      await store.quarantineUpdates('q1', [{ seq: bad.seq, error: 'unreadable' }], 42)
      expect(store.quarantined('q1')).toEqual([{ seq: bad.seq, bytes: 3, error: 'unreadable', at: 42 }])
      expect(store.countUpdates('q1')).toBe(1)
    })

    it('deletes a session with all its rows', async () => {
      await store.write(rows.newSession(session('x1'), update('a')))
      await store.write([rows.noteId('x1', 'c', 'n', null, 1), rows.dots('x1', 'v', 'p', 'n', 1)])
      await store.write([rows.deleteSession('x1')])
      expect(store.getSession('x1')).toBeUndefined()
      expect(store.noteIds('x1')).toEqual([])
      expect(store.countUpdates('x1')).toBe(0)
      expect(store.voters('x1', 'v')).toBe(0)
    })

    it("gives a session's lease to one store at a time, and frees it when released or when its store is gone", async () => {
      expect(store.takeLease('lease-1')).toBe(true)
      expect(store.takeLease('lease-1')).toBe(true)
      if (engine.name === 'SQLite') {
        // One process owns the file (the data folder's lock): it owns every session.
        store.releaseLease('lease-1')
        expect(store.takeLease('lease-1')).toBe(true)
        return
      }
      const other = await again()
      expect(other.takeLease('lease-1')).toBe(false)
      store.releaseLease('lease-1')
      expect(other.takeLease('lease-1')).toBe(true)
      expect(store.takeLease('lease-1')).toBe(false)
      await other.close()
      expect(store.takeLease('lease-1')).toBe(true)
    })

    it('ran every statement of store/sql.ts (a new one needs a test here, on both engines)', () => {
      // Run by the writer itself inside `compactUpdates`, never named in a row.
      const internal = ['selectUpdates', 'deleteUpdatesFrom']
      const all = [...Object.keys(WRITES), ...Object.keys(READS)].filter((n) => !internal.includes(n))
      expect(all.filter((n) => !used.has(n))).toEqual([])
    })
  })
}
