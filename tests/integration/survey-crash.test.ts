import { afterEach, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import type { Ack } from '../../shared/errors.ts'
import type { SessionLinks } from '../../shared/protocol.ts'
import path from 'node:path'
import { startKiosk, tempDir, withDatabase, type ClientSocket } from '../helpers/kiosk.ts'
import { SCHEMA_VERSION } from '../../server/store/sql.ts'
import { exited, spawnKiosk, type KioskProcess } from '../helpers/process.ts'

const TOKEN = 'survey-crash-token-0123456789abcdef012345678'
const procs: KioskProcess[] = []
afterEach(() => {
  for (const p of procs.splice(0)) p.child.kill('SIGKILL')
})

const connect = (url: string, auth: Record<string, string>) =>
  new Promise<ClientSocket>((resolve, reject) => {
    const s: ClientSocket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true })
    s.once('connect', () => resolve(s))
    s.once('connect_error', reject)
  })

describe('a crash while phones answer a survey', () => {
  it('keeps every acknowledged answer after kill -9, each phone counted once', async () => {
    const dataDir = tempDir()
    const first = await spawnKiosk({ DATA_DIR: dataDir, FACILITATOR_TOKEN: TOKEN })
    procs.push(first)
    const res = await fetch(`${first.url}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'crash' }),
    })
    const links = (await res.json()) as SessionLinks
    const fac = await connect(first.url, { session: links.id, token: TOKEN })
    const created = (await fac.timeout(5_000).emitWithAck('survey:create', { title: '投票', questions: [{ kind: 'choice', text: 'どれ', options: ['A', 'B', 'C'] }] })) as Ack<{ surveyId: string }>
    if (!created.ok) throw new Error(created.error)
    const { surveyId } = created
    await fac.timeout(5_000).emitWithAck('survey:open', { surveyId, label: '事前' })
    const phones = await Promise.all(Array.from({ length: 40 }, (_, p) => connect(first.url, { session: links.id, deviceId: `phone-${p}` })))
    const acked = new Map<number, number>() // phone → option of its last acknowledged answer
    let killed = false
    // Every phone answers, then changes its answer, as fast as acks come back; the kiosk dies mid-stream.
    const loops = phones.map(async (socket, p) => {
      for (let i = 0; !killed && i < 3; i++) {
        const option = (p + i) % 3
        try {
          const ack = (await socket.timeout(10_000).emitWithAck('survey:answer', { surveyId, round: 1, answers: [option] })) as Ack
          if (ack.ok) acked.set(p, option)
        } catch {
          return
        }
      }
    })
    while (acked.size < 25) await new Promise((r) => setTimeout(r, 5))
    first.child.kill('SIGKILL')
    killed = true
    await exited(first.child)
    await Promise.all(loops)
    for (const s of [fac, ...phones]) s.close()

    const second = await spawnKiosk({ DATA_DIR: dataDir, FACILITATOR_TOKEN: TOKEN })
    procs.push(second)
    const record = (await (await fetch(`${second.url}/api/sessions/${links.id}/export?format=json`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      surveys: Array<{ rounds: Array<{ responses: number; results: number[][] }> }>
    }
    const round = record.surveys[0]!.rounds[0]!
    // Every phone with an acknowledged answer is there once (one answered after its last ack may be there too, never twice).
    expect(round.responses).toBeGreaterThanOrEqual(acked.size)
    expect(round.responses).toBeLessThanOrEqual(phones.length)
    expect(round.results[0]!.reduce((a, b) => a + b, 0)).toBe(round.responses)
    // Each acknowledged phone's stored answer is the acknowledged one, or the one it sent next.
    const stored = withDatabase(path.join(dataDir, 'kurumaza.sqlite'), (db) =>
      new Map((db.prepare('SELECT phone_key AS k, answers AS a FROM survey_answers').all() as Array<{ k: string; a: string }>).map((r) => [r.k, JSON.parse(r.a)[0] as number])),
    )
    for (const [p, option] of acked) expect([option, (option + 1) % 3]).toContain(stored.get(`d:phone-${p}`))
  }, 60_000)
})

describe('a database from before surveys', () => {
  it('opens one of schema 3 (no survey_answers), keeps its sessions, derives their agenda, and takes answers', async () => {
    const dataDir = tempDir()
    let kiosk = await startKiosk({ dataDir })
    const links = await kiosk.createSession('古い会', '最初の問い')
    const phone = await kiosk.phone(links.id)
    await phone.timeout(5_000).emitWithAck('note:create', { id: 'old-note', text: '前からある付箋' })
    await kiosk.close()
    withDatabase(path.join(dataDir, 'kurumaza.sqlite'), (db) => {
      db.exec('DROP TABLE survey_answers')
      db.prepare("UPDATE settings SET value = '3' WHERE key = 'schema_version'").run()
    })
    kiosk = await startKiosk({ dataDir })
    try {
      const fac = await kiosk.facilitator(links.id)
      const created = (await fac.timeout(5_000).emitWithAck('survey:create', { title: '事後', questions: [{ kind: 'scale', text: '満足度' }] })) as Ack<{ surveyId: string }>
      if (!created.ok) throw new Error(created.error)
      await fac.timeout(5_000).emitWithAck('survey:open', { surveyId: created.surveyId, label: '事後' })
      const p = await kiosk.phone(links.id, { deviceId: 'after-migration' })
      expect(await p.timeout(5_000).emitWithAck('survey:answer', { surveyId: created.surveyId, round: 1, answers: [5] })).toEqual({ ok: true })
      const record = (await (await fetch(`${kiosk.url}/api/sessions/${links.id}/export?format=json`, { headers: { authorization: `Bearer ${kiosk.token}` } })).json()) as {
        notes: Array<{ text: string }>
        agenda: Array<{ kind: string; title: string }>
        surveys: Array<{ rounds: Array<{ responses: number }> }>
      }
      expect(record.notes.map((n) => n.text)).toEqual(['前からある付箋'])
      expect(record.agenda.map((a) => [a.kind, a.title])).toEqual([
        ['notes', '最初の問い'],
        ['survey', '事後'],
      ])
      expect(record.surveys[0]!.rounds[0]!.responses).toBe(1)
      withDatabase(path.join(dataDir, 'kurumaza.sqlite'), (db) => {
        expect(db.prepare("SELECT value FROM settings WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION) })
      })
    } finally {
      await kiosk.close()
    }
  })
})
