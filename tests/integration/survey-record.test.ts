import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { readAgenda, readResults, readSurveys } from '../../shared/board-doc.ts'
import type { Ack } from '../../shared/errors.ts'
import type { SessionLinks } from '../../shared/protocol.ts'
import { emitAck, useKiosk, type ClientSocket } from '../helpers/kiosk.ts'

const QUESTIONS = [
  { kind: 'choice', text: '一番の要因は', options: ['人材', '予算', '前例主義'] },
  { kind: 'multi', text: '当てはまるもの', options: ['紙', '縦割り', '研修'] },
  { kind: 'scale', text: '必要性', minLabel: '感じない', maxLabel: '強く感じる' },
  { kind: 'text', text: '一言' },
] as const

describe('surveys in the record', () => {
  const kiosk = useKiosk()
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${kiosk().url}${p}`, { ...init, headers: { authorization: `Bearer ${kiosk().token}`, 'content-type': 'application/json', ...init.headers } })

  /** A survey run twice (事前, 事後) with three phones, the second time views changed. */
  async function beforeAndAfter(): Promise<{ links: SessionLinks; fac: ClientSocket; surveyId: string }> {
    const links = await kiosk().createSession('DX研修', '困りごと')
    const fac = await kiosk().facilitator(links.id)
    const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '事前・事後アンケート', questions: QUESTIONS })
    if (!created.ok) throw new Error(created.error)
    const { surveyId } = created
    const phones = await Promise.all(['device-secret-1', 'device-secret-2', 'device-secret-3'].map((deviceId) => kiosk().phone(links.id, { deviceId })))
    const run = async (label: string, answers: unknown[][]) => {
      const opened = await emitAck<Ack<{ round: number }>>(fac, 'survey:open', { surveyId, label })
      if (!opened.ok) throw new Error(opened.error)
      for (const [i, a] of answers.entries()) expect(await emitAck(phones[i]!, 'survey:answer', { surveyId, round: opened.round, answers: a })).toEqual({ ok: true })
      expect(await emitAck(fac, 'survey:close', { surveyId })).toEqual({ ok: true })
    }
    await run('事前', [
      [0, [0, 1], 2, '=予算が足りない'],
      [0, [0], 3, '人が足りない'],
      [1, null, 2, null],
    ])
    await run('事後', [
      [2, [1], 4, '前例主義を変える'],
      [2, [1, 2], 5, null],
      [0, null, 4, '縦割りをなくす'],
    ])
    return { links, fac, surveyId }
  }

  it('exports JSON per the contract: results per round, no device ids', async () => {
    const { links, surveyId } = await beforeAndAfter()
    const res = await api(`/api/sessions/${links.id}/export?format=json`)
    const text = await res.text()
    expect(text).not.toContain('device-secret')
    const record = JSON.parse(text)
    expect(record.surveys).toHaveLength(1)
    const s = record.surveys[0]
    expect(s).toMatchObject({ id: surveyId, title: '事前・事後アンケート' })
    expect(s.questions[2]).toEqual({ kind: 'scale', text: '必要性', min: 1, max: 5, minLabel: '感じない', maxLabel: '強く感じる' })
    expect(s.rounds.map((r: { round: number; label: string; responses: number }) => [r.round, r.label, r.responses])).toEqual([
      [1, '事前', 3],
      [2, '事後', 3],
    ])
    expect(s.rounds[0].results.slice(0, 3)).toEqual([[2, 1, 0], [2, 1, 0], [0, 2, 1, 0, 0]])
    expect(s.rounds[1].results.slice(0, 3)).toEqual([[1, 0, 2], [0, 2, 1], [0, 0, 0, 2, 1]])
    expect(s.rounds[0].results[3].answers).toEqual(['=予算が足りない', '人が足りない'])
    expect(record.agenda.map((a: { kind: string }) => a.kind)).toEqual(['notes', 'survey'])
  })

  it('writes Markdown with a table per question per round, then the change', async () => {
    const { links } = await beforeAndAfter()
    const md = await (await api(`/api/sessions/${links.id}/export?format=md`)).text()
    expect(md).toContain('## アンケート: 事前・事後アンケート')
    expect(md).toContain('### Q1. 一番の要因は (単一選択)')
    expect(md).toContain('| 前例主義 | 0 |')
    expect(md).toContain('#### 変化（事前 → 事後）')
    expect(md).toContain('| 前例主義 | 0 | 2 | +2 |')
    expect(md).toContain('平均: 2.33 → 4.33 (+2.00)')
    expect(md).toContain('- \\=予算が足りない')
    expect(md).not.toContain('device-secret')
  })

  it('writes the answers as CSV, one row per answer, BOM and CRLF, no device id', async () => {
    const { links } = await beforeAndAfter()
    const res = await api(`/api/sessions/${links.id}/export?format=csv&part=surveys`)
    const buf = Buffer.from(await res.arrayBuffer())
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = buf.toString('utf8')
    expect(text).toContain('\r\n')
    expect(text.replace(/\r\n/g, '')).not.toContain('\n')
    expect(text).not.toContain('device-secret')
    const rows = parse(text, { bom: true }) as string[][]
    expect(rows[0]![0]).toBe('アンケート')
    // 事前: 4 + 4 + 2 answers; 事後: 4 + 3 + 3
    expect(rows.length - 1).toBe(20)
    expect(rows).toContainEqual(expect.arrayContaining(['事前', '1', '2', '当てはまるもの', '紙; 縦割り']))
    // a formula is neutralised
    expect(rows.some((r) => r.includes("'=予算が足りない"))).toBe(true)
    expect((await api(`/api/sessions/${links.id}/export?format=md&part=surveys`)).status).toBe(400)
    // the console's button asks for format=surveys.csv: the same file, under the same name
    const same = await api(`/api/sessions/${links.id}/export?format=surveys.csv`)
    expect(same.headers.get('content-disposition')).toBe(res.headers.get('content-disposition'))
    expect(Buffer.from(await same.arrayBuffer()).toString('utf8')).toBe(text)
    expect((await api(`/api/sessions/${links.id}/export?format=surveys.csv&part=notes`)).status).toBe(400)
  })

  it('duplicates a session as a template with its agenda and surveys, without rounds or answers', async () => {
    const { links, fac } = await beforeAndAfter()
    expect(await emitAck(fac, 'agenda:add', { kind: 'questions', title: '質疑' })).toMatchObject({ ok: true })
    const res = await api(`/api/sessions/${links.id}/duplicate`, { method: 'POST' })
    expect(res.status).toBe(201)
    const copy = (await res.json()) as SessionLinks
    const { doc } = await kiosk().board(copy, 'token')
    const surveys = readSurveys(doc)
    expect(surveys.map((s) => [s.title, s.rounds.length, s.questions.length])).toEqual([['事前・事後アンケート', 0, 4]])
    expect(readAgenda(doc).map((a) => [a.kind, a.title])).toEqual([
      ['notes', '困りごと'],
      ['survey', '事前・事後アンケート'],
      ['questions', '質疑'],
    ])
    const exported = await (await api(`/api/sessions/${copy.id}/export?format=csv&part=surveys`)).text()
    expect(parse(exported, { bom: true })).toHaveLength(1)
  })

  it('imports a JSON record with its surveys’ rounds as recorded', async () => {
    const { links } = await beforeAndAfter()
    const record = await (await api(`/api/sessions/${links.id}/export?format=json`)).json()
    const res = await api('/api/sessions/import', { method: 'POST', body: JSON.stringify(record) })
    expect(res.status).toBe(201)
    const copy = (await res.json()) as SessionLinks
    const again = await (await api(`/api/sessions/${copy.id}/export?format=json`)).json()
    expect(again.surveys[0].rounds.map((r: { results: unknown }) => r.results)).toEqual(record.surveys[0].rounds.map((r: { results: unknown }) => r.results))
    // results that do not fit their question are refused
    const bad = structuredClone(record)
    bad.surveys[0].rounds[0].results[0] = [1, 2]
    expect((await api('/api/sessions/import', { method: 'POST', body: JSON.stringify(bad) })).status).toBe(400)
  })
})

describe('a round imported from a CSV', () => {
  const kiosk = useKiosk()
  const post = (p: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${kiosk().url}${p}`, { method: 'POST', body, headers: { authorization: `Bearer ${kiosk().token}`, 'content-type': 'text/csv', ...headers } })

  async function survey() {
    const links = await kiosk().createSession('紙の事前アンケート')
    const fac = await kiosk().facilitator(links.id)
    const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '事前', questions: QUESTIONS })
    if (!created.ok) throw new Error(created.error)
    return { links, surveyId: created.surveyId, path: `/api/sessions/${links.id}/surveys/${created.surveyId}/rounds?label=${encodeURIComponent('事前（紙）')}` }
  }

  it('adds a closed round with one respondent per row, a form export’s timestamp column included', async () => {
    const { links, surveyId, path } = await survey()
    const csv = [
      'タイムスタンプ,一番の要因は,当てはまるもの,必要性,一言',
      '2026/11/01 10:00,人材,"紙, 縦割り",２,紙が多い',
      '2026/11/01 10:05,3,研修,5,',
      '2026/11/01 10:06,,,,',
      '2026/11/01 10:07,予算,,4,"=HYPERLINK(""x"")"',
    ].join('\r\n')
    const res = await post(path, '\uFEFF' + csv)
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ ok: true, round: 1, responses: 3 })
    const { doc } = await kiosk().board(links, 'token')
    const round = readSurveys(doc)[0]!.rounds[0]!
    expect(round).toMatchObject({ label: '事前（紙）', open: false, imported: true })
    expect(readResults(doc, surveyId, 1)!.results.slice(0, 3)).toEqual([[1, 1, 1], [1, 1, 1], [0, 1, 0, 1, 1]])
    const answers = await (await fetch(`${kiosk().url}/api/sessions/${links.id}/export?format=csv&part=surveys`, { headers: { authorization: `Bearer ${kiosk().token}` } })).text()
    expect(answers).toContain(`"'=HYPERLINK(""x"")"`)
  })

  it('refuses what is not a round of this survey, and changes nothing', async () => {
    const { links, surveyId, path } = await survey()
    const header = 'a,b,c,d\r\n'
    expect((await fetch(`${kiosk().url}${path}`, { method: 'POST', body: header + '1,1,1,x', headers: { 'content-type': 'text/csv' } })).status).toBe(401)
    expect((await post(`/api/sessions/${links.id}/surveys/nope/rounds`, header)).status).toBe(404)
    expect((await post(`/api/sessions/zzzzzzzzzz/surveys/${surveyId}/rounds`, header)).status).toBe(404)
    const refusals: Array<[string, string, Record<string, string>?]> = [
      ['a,b,c\r\n1,1,1', 'invalid'], // too few columns
      [header + '4,,,', 'invalid'], // option out of range
      [header + '0,,,', 'invalid'],
      [header + '存在しない,,,', 'invalid'],
      [header + ',,6,', 'invalid'], // above the scale
      [header + ',,abc,', 'invalid'],
      [header + ',紙;謎,,', 'invalid'],
      [header + ',,,' + 'あ'.repeat(201), 'too_long'],
      [header + '1,"unclosed', 'invalid'],
      [header + '1,1,1', 'invalid'], // a short row
      ['', 'invalid'],
      [header + '1,,,', 'invalid', { 'content-type': 'application/json' }],
    ]
    for (const [body, error, headers] of refusals) {
      const res = await post(path, body, headers)
      expect(res.status, body.slice(0, 40)).toBe(400)
      expect(await res.json(), body.slice(0, 40)).toMatchObject({ error })
    }
    const tooMany = header + '1,,,\r\n'.repeat(5_001)
    expect(await (await post(path, tooMany)).json()).toEqual({ error: 'full' })
    expect((await post(path, header + 'x'.repeat(9 * 1024 * 1024))).status).toBe(413)
    const { doc } = await kiosk().board(links, 'token')
    expect(readSurveys(doc)[0]!.rounds).toEqual([])
  })
})
