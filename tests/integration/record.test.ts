import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { readGroups, readNotes, readVotes } from '../../shared/board-doc.ts'
import { createGroup, moveNote } from '../../shared/grouping.ts'
import { newClientId } from '../../shared/ids.ts'
import type { SessionLinks, SessionSummary } from '../../shared/protocol.ts'
import { emitAck, kioskForTest, lastState, ROOMY_LIMITS, useKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

/** Notes that try every way of breaking a record. */
const TRICKY = [
  '紙の申請書が多すぎる📄',
  'カンマ, と "引用符" と\n改行',
  '# 見出しのふり\n- リストのふり [link](http://evil.example) <script>alert(1)</script> | 表 |',
  '=SUM(A1:A2)',
  '+81 90-0000-0000',
  '-1 したい',
  '@channel 全員',
  '👨‍👩‍👧‍👦 家族で使える窓口',
]

describe('the session record', () => {
  const kiosk = useKiosk({ limits: ROOMY_LIMITS })
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${kiosk().url}${p}`, { ...init, headers: { authorization: `Bearer ${kiosk().token}`, 'content-type': 'application/json', ...init.headers } })

  /** A session with tricky notes in nested groups, with votes, one hidden note and a second prompt. */
  async function workshop(): Promise<{ links: SessionLinks; ids: Record<string, string> }> {
    const links = await kiosk().createSession('DX研修 第1回「窓口」', '窓口業務で困っていること')
    const fac = await kiosk().facilitator(links.id)
    const phones = await Promise.all([1, 2, 3].map(() => kiosk().phone(links.id, { deviceId: newClientId() })))
    const ids: Record<string, string> = {}
    for (const [i, text] of TRICKY.entries()) {
      const ack = await emitAck<{ ok: true; noteId: string }>(phones[i % 3]!, 'note:create', { id: newClientId(), text })
      ids[text] = ack.noteId
    }
    const secret = await emitAck<{ ok: true; noteId: string }>(phones[0]!, 'note:create', { id: newClientId(), text: '非表示にされる意見' })
    ids.hidden = secret.noteId
    await emitAck(fac, 'note:moderate', { noteId: secret.noteId, action: 'hide' })
    const { doc } = await kiosk().board(links, 'token')
    createGroup(doc, 'g-top', '紙と押印')
    createGroup(doc, 'g-sub', '申請書', 'g-top')
    moveNote(doc, ids[TRICKY[0]!]!, 'g-sub')
    moveNote(doc, ids[TRICKY[1]!]!, 'g-top')
    await waitFor(() => expect(readGroups(kiosk().kiosk.sessions.get(links.id)!.doc)).toHaveLength(2))
    await waitFor(() => expect(readNotes(kiosk().kiosk.sessions.get(links.id)!.doc).find((n) => n.id === ids[TRICKY[1]!])?.groupId).toBe('g-top'))
    await emitAck(fac, 'vote:open', { perPhone: 3, maxPerNote: 3 })
    for (const p of phones) await emitAck(p, 'vote:cast', { noteId: ids[TRICKY[0]!] })
    await emitAck(phones[0]!, 'vote:cast', { noteId: ids[TRICKY[3]!] })
    await emitAck(fac, 'vote:close', {})
    await emitAck(fac, 'prompt:add', { text: '次にやりたいこと', makeCurrent: true })
    await emitAck(phones[1]!, 'note:create', { id: newClientId(), text: 'チャットを全庁で' })
    await emitAck(fac, 'session:update', { phase: 'discuss' })
    return { links, ids }
  }

  it('exports JSON with prompts, nested groups, votes, phases and counts, and no device ids', async () => {
    const { links, ids } = await workshop()
    const res = await api(`/api/sessions/${links.id}/export?format=json`)
    const text = await res.text()
    const r = JSON.parse(text)
    expect(r.version).toBe(1)
    expect(r.prompts.map((p: { text: string }) => p.text)).toEqual(['窓口業務で困っていること', '次にやりたいこと'])
    expect(r.groups.find((g: { id: string }) => g.id === 'g-sub')).toMatchObject({ parentId: 'g-top', path: ['紙と押印', '申請書'] })
    expect(r.notes.find((n: { id: string }) => n.id === ids[TRICKY[0]!])).toMatchObject({ groupId: 'g-sub', votes: 3 })
    expect(r.notes.some((n: { id: string }) => n.id === ids.hidden)).toBe(false)
    expect(r.counts).toEqual({ notes: 10, visible: 9, pending: 0, hidden: 1, groups: 2, votes: 4, phones: 3, questions: 0, upvotes: 0 })
    expect(r.phases.map((p: { phase: string }) => p.phase)).toEqual(['collect', 'discuss'])
    expect(text).not.toMatch(/deviceId|device_id|127\.0\.0\.1|user-agent/i)
  })

  it('exports CSV that Excel in Japan opens: BOM, CRLF, quoted cells, formulas neutralised', async () => {
    const { links } = await workshop()
    const res = await api(`/api/sessions/${links.id}/export?format=csv`)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder().decode(bytes)
    expect(text.includes('\r\n')).toBe(true)
    expect(text.replace(/\r\n/g, '').includes('\n\n')).toBe(false)
    const rows: string[][] = parse(text, { bom: true, relax_column_count: false })
    expect(rows[0]).toEqual(['問い', 'グループ', '付箋', '票', '状態', '投稿日時', '投稿日時（ISO 8601・UTC）'])
    const byText = new Map(rows.slice(1).map((r) => [r[2], r]))
    const paper = byText.get('紙の申請書が多すぎる📄')!
    expect(paper).toEqual([
      '窓口業務で困っていること',
      '紙と押印 > 申請書',
      '紙の申請書が多すぎる📄',
      '3',
      '表示',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    ])
    // The first is the kiosk's local time of the same instant, in a form spreadsheets read as a date.
    const iso = new Date(paper[6]!)
    const p2 = (n: number) => String(n).padStart(2, '0')
    expect(paper[5]).toBe(`${iso.getFullYear()}-${p2(iso.getMonth() + 1)}-${p2(iso.getDate())} ${p2(iso.getHours())}:${p2(iso.getMinutes())}:${p2(iso.getSeconds())}`)
    expect(byText.has('カンマ, と "引用符" と\n改行')).toBe(true)
    for (const formula of ['=SUM(A1:A2)', '+81 90-0000-0000', '-1 したい', '@channel 全員']) {
      expect(byText.has(`'${formula}`)).toBe(true)
      expect(byText.has(formula)).toBe(false)
    }
    expect(rows).toHaveLength(1 + 9)
    const en: string[][] = parse(await (await api(`/api/sessions/${links.id}/export?format=csv&lang=en`)).text(), { bom: true })
    expect(en[0]).toEqual(['Prompt', 'Group', 'Note', 'Votes', 'Status', 'Posted at', 'Posted at (ISO 8601, UTC)'])
  })

  it('exports Markdown ready for minutes, where no note can break the layout', async () => {
    const { links } = await workshop()
    const md = await (await api(`/api/sessions/${links.id}/export?format=md`)).text()
    expect(md.startsWith('# DX研修 第1回「窓口」\n')).toBe(true)
    expect(md).toContain('## 問い: 窓口業務で困っていること')
    expect(md).toContain('### 紙と押印 (3票)')
    expect(md).toContain('#### 申請書 (3票)')
    expect(md).toContain('- 紙の申請書が多すぎる📄 (3票)')
    expect(md).toContain('### グループなし')
    expect(md).toContain('## 問い: 次にやりたいこと')
    expect(md).toContain('- 投稿した端末: 3台')
    // The ranking comes first, before the prompts: what the room chose.
    const ranking = md.indexOf('## 投票の結果')
    expect(ranking).toBeGreaterThan(0)
    expect(ranking).toBeLessThan(md.indexOf('## 問い'))
    expect(md.slice(ranking).split('\n')[2]).toBe('- 1位：紙の申請書が多すぎる📄（3票）')
    // hostile notes: no line of the record starts a heading or list that the note made
    const lines = md.split('\n')
    expect(lines.filter((l) => /^#/.test(l)).every((l) => !l.includes('見出しのふり'))).toBe(true)
    expect(lines.filter((l) => /^\s*- リストのふり/.test(l))).toEqual([])
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('](http')
    expect(md).toContain('\\<script\\>')
    expect(md).not.toContain('非表示にされる意見')
    // a note's line break stays inside its list item
    expect(md).toContain('- カンマ, と "引用符" と\\\n  改行')
  })

  it('imports a JSON record as a new session with an identical board', async () => {
    const { links } = await workshop()
    const original = await (await api(`/api/sessions/${links.id}/export?format=json&includeHidden=true`)).json()
    original.session.createdAt = '2026-10-01T01:00:00.000Z' // a workshop held weeks ago
    const res = await api('/api/sessions/import', { method: 'POST', body: JSON.stringify(original) })
    expect(res.status).toBe(201)
    const copy = (await res.json()) as SessionLinks
    expect(copy.id).not.toBe(links.id)
    const again = await (await api(`/api/sessions/${copy.id}/export?format=json&includeHidden=true`)).json()
    const strip = (r: Record<string, unknown>) => ({ ...r, exportedAt: undefined, session: { ...(r.session as object), id: undefined, title: undefined }, vote: undefined })
    expect(strip(again)).toEqual({ ...strip(original), counts: { ...original.counts, phones: 0 } })
    // Told apart by its title; listed under the workshop's own date, not the day it was read in.
    const today = new Date()
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`
    expect(again.session.title).toBe(`${original.session.title}（読み込み ${day}）`)
    const listed = ((await (await api('/api/sessions')).json()) as SessionSummary[]).find((s) => s.id === copy.id)!
    expect(listed.title).toBe(again.session.title)
    expect(listed.createdAt).toBe(Date.parse(original.session.createdAt))
    const phone = await kiosk().phone(copy.id)
    await waitFor(() => expect(lastState(phone)?.prompt).toBe('次にやりたいこと'))
  })

  it.each([
    ['not a record', { hello: 'world' }],
    ['a future version', { version: 2, session: {}, notes: [] }],
    ['a note in a group that does not exist', 'dangling'],
    ['two notes with one id', 'duplicate'],
  ])('refuses to import %s, creating nothing', async (_name, body) => {
    const { links } = await workshop()
    const rec = await (await api(`/api/sessions/${links.id}/export?format=json`)).json()
    let payload: unknown = body
    if (body === 'dangling') payload = { ...rec, notes: [{ ...rec.notes[0], groupId: 'nope' }] }
    if (body === 'duplicate') payload = { ...rec, notes: [rec.notes[0], rec.notes[0]] }
    const before = ((await (await api('/api/sessions')).json()) as unknown[]).length
    const res = await api('/api/sessions/import', { method: 'POST', body: JSON.stringify(payload) })
    expect(res.status).toBe(400)
    expect(((await (await api('/api/sessions')).json()) as unknown[]).length).toBe(before)
  })

  it('closes a session: phones are told, posting stops, json and md land in DATA_DIR/records; reopening continues', async () => {
    const { links } = await workshop()
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    const res = await api(`/api/sessions/${links.id}/close`, { method: 'POST' })
    expect(res.status).toBe(200)
    const { files } = (await res.json()) as { files: string[] }
    expect(files.map((f) => path.extname(f))).toEqual(['.json', '.md'])
    for (const f of files) expect(path.dirname(f)).toBe(path.join(kiosk().dataDir, 'records'))
    expect(JSON.parse(fs.readFileSync(files[0]!, 'utf8')).session.closed).toBe(true)
    expect(fs.readFileSync(files[1]!, 'utf8')).toContain('# DX研修 第1回「窓口」')
    await waitFor(() => expect(lastState(phone)).toMatchObject({ closed: true, locked: true }))
    expect(await emitAck(phone, 'note:create', { id: newClientId(), text: 'late' })).toEqual({ ok: false, error: 'locked' })
    // the board of a closed session can still be shown
    expect(readNotes(board.doc).length).toBeGreaterThan(0)
    const listed = ((await (await api('/api/sessions')).json()) as SessionSummary[]).find((s) => s.id === links.id)
    expect(listed).toMatchObject({ closed: true, notes: 9, phones: 3, recordFiles: files })
    expect((await api(`/api/sessions/${links.id}/reopen`, { method: 'POST' })).status).toBe(200)
    await waitFor(() => expect(lastState(phone)).toMatchObject({ closed: false, locked: false }))
    expect((await emitAck<{ ok: boolean }>(phone, 'note:create', { id: newClientId(), text: 'again' })).ok).toBe(true)
  })

  it('writes the record files again when a closed session is changed afterwards: a hidden note, a corrected title', async () => {
    const k = await kioskForTest({ limits: { ...ROOMY_LIMITS, recordRewriteMs: 50 } })
    try {
      const links = await k.createSession('閉じる前の題')
      const phone = await k.phone(links.id)
      const fac = await k.facilitator(links.id)
      await emitAck(phone, 'note:create', { id: newClientId(), text: '残す付箋' })
      const hidden = (await emitAck(phone, 'note:create', { id: newClientId(), text: '後で隠す付箋' })) as { noteId: string }
      const closed = await fetch(`${k.url}/api/sessions/${links.id}/close`, { method: 'POST', headers: { authorization: `Bearer ${k.token}` } })
      const { files } = (await closed.json()) as { files: string[] }
      expect(fs.readFileSync(files[1]!, 'utf8')).toContain('後で隠す付箋')
      expect(await emitAck(fac, 'note:moderate', { noteId: hidden.noteId, action: 'hide' })).toEqual({ ok: true })
      expect(await emitAck(fac, 'session:update', { title: '訂正した題' })).toEqual({ ok: true })
      const records = path.join(k.dataDir, 'records')
      const mine = () => fs.readdirSync(records).filter((n) => n.includes(links.id)).sort()
      await waitFor(() => {
        expect(mine()).toHaveLength(2)
        const md = fs.readFileSync(path.join(records, mine().find((n) => n.endsWith('.md'))!), 'utf8')
        expect(md).toContain('# 訂正した題')
        expect(md).not.toContain('後で隠す付箋')
        expect(md).toContain('残す付箋')
      }, 10_000)
      expect(mine().every((n) => n.includes('訂正した題'))).toBe(true)
      const json = JSON.parse(fs.readFileSync(path.join(records, mine().find((n) => n.endsWith('.json'))!), 'utf8'))
      expect(json.notes.map((n: { text: string }) => n.text)).toEqual(['残す付箋'])
    } finally {
      await k.close()
    }
  })

  it('duplicates a session as a template: same prompts and settings, no notes', async () => {
    const { links } = await workshop()
    const res = await api(`/api/sessions/${links.id}/duplicate`, { method: 'POST' })
    expect(res.status).toBe(201)
    const copy = (await res.json()) as SessionLinks
    const rec = await (await api(`/api/sessions/${copy.id}/export?format=json&includeHidden=true`)).json()
    expect(rec.prompts.map((p: { text: string }) => p.text)).toEqual(['窓口業務で困っていること', '次にやりたいこと'])
    expect(rec.notes).toEqual([])
    expect(rec.groups).toEqual([])
    expect(rec.session.title).toBe('DX研修 第1回「窓口」（複製）')
  })

  it('deletes a session: its data is gone and its phones are cut off', async () => {
    const { links } = await workshop()
    const phone = await kiosk().phone(links.id)
    const gone = new Promise((resolve) => phone.once('disconnect', resolve))
    expect((await api(`/api/sessions/${links.id}`, { method: 'DELETE' })).status).toBe(204)
    await gone
    expect((await api(`/api/sessions/${links.id}/export?format=json`)).status).toBe(404)
    expect(kiosk().countUpdates(links.id)).toBe(0)
    expect((await api(`/api/sessions/${links.id}`, { method: 'DELETE' })).status).toBe(404)
    await expect(kiosk().phone(links.id)).rejects.toMatchObject({ data: { code: 'not_found' } })
  })

  it('exports a 2,000-note session in every format', async () => {
    const links = await kiosk().createSession('大規模')
    const fac = await kiosk().facilitator(links.id)
    const live = kiosk().kiosk.sessions.get(links.id)!
    // Written through the facilitator's event for speed; each is a real stored note.
    for (let i = 0; i < 2_000; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => emitAck(fac, 'note:create', { id: `n${i + j}`, text: `付箋 ${i + j}, "引用" =x` })))
    }
    expect(readNotes(live.doc)).toHaveLength(2_000)
    for (const format of ['json', 'md', 'csv']) {
      const res = await api(`/api/sessions/${links.id}/export?format=${format}`)
      expect(res.status).toBe(200)
      const body = await res.text()
      expect(body.split('付箋 ').length - 1).toBe(2_000)
    }
    expect(readVotes(live.doc).size).toBe(0)
    expect(Y.encodeStateAsUpdate(live.doc).byteLength).toBeGreaterThan(0)
  })
})

describe('a kiosk used for many workshops', () => {
  it('takes sessions nobody uses out of memory, lists them without loading them, and loads them again on demand', async () => {
    const { kioskForTest } = await import('../helpers/kiosk.ts')
    const k = await kioskForTest({ idleUnloadMs: 100, limits: ROOMY_LIMITS })
    const links = await k.createSession('昔の会')
    const phone = await k.phone(links.id)
    await emitAck(phone, 'note:create', { id: 'old-1', text: '残っている' })
    const fac = await k.facilitator(links.id)
    // connected: stays in memory however long
    await new Promise((r) => setTimeout(r, 400))
    expect(k.kiosk.sessions.loaded().map((s) => s.row.id)).toContain(links.id)
    phone.close()
    fac.close()
    await waitFor(() => expect(k.kiosk.sessions.loaded().map((s) => s.row.id)).not.toContain(links.id), { timeout: 3_000 })
    const listed = ((await (await fetch(`${k.url}/api/sessions`, { headers: { authorization: `Bearer ${k.token}` } })).json()) as SessionSummary[]).find(
      (s) => s.id === links.id,
    )
    expect(listed).toMatchObject({ notes: 1, closed: false, phones: 0 })
    expect(k.kiosk.sessions.loaded().map((s) => s.row.id)).not.toContain(links.id)
    // a phone coming back finds everything
    const back = await k.board(links, 'key')
    expect(readNotes(back.doc).map((n) => n.text)).toEqual(['残っている'])
  })
})
