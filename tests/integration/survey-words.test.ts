import { describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import * as Y from 'yjs'
import { readResults, readSurveyWordEdits, surveysMap } from '../../shared/board-doc.ts'
import type { Ack } from '../../shared/errors.ts'
import { LIMITS } from '../../shared/limits.ts'
import type { SessionLinks } from '../../shared/protocol.ts'
import { compareText } from '../../shared/survey-compare.ts'
import type { TextResult, WordEdits } from '../../shared/survey.ts'
import { emitAck, kioskForTest, startKiosk, tempDir, useKiosk, type ClientSocket, type TestKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

/** A choice question (its counts must not move) and the text question whose cloud is edited. */
const QUESTIONS = [
  { kind: 'choice', text: '一番の要因は', options: ['人材', '予算'] },
  { kind: 'text', text: 'DXについて一言' },
] as const
const TEXT = 1

const BEFORE = ['DXの予算が足りない', 'デジタル化とスマホ申請', '田中さん頼みのDX']
const AFTER = ['スマートフォンで申請', 'デジタル化を進める', 'DXを学ぶ研修']

type Edited = Ack<WordEdits>

/** A survey run as 事前 and 事後 by three phones, both rounds on the board; the survey is the current activity. */
async function twoRounds(kiosk: TestKiosk) {
  const links = await kiosk.createSession('DX研修', '困りごと')
  const fac = await kiosk.facilitator(links.id)
  const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '事前・事後', questions: QUESTIONS })
  if (!created.ok) throw new Error(created.error)
  const { surveyId } = created
  expect(await emitAck(fac, 'agenda:current', { activityId: `survey:${surveyId}` })).toEqual({ ok: true })
  const phones = await Promise.all(['p1', 'p2', 'p3'].map((deviceId) => kiosk.phone(links.id, { deviceId })))
  for (const [label, texts] of [
    ['事前', BEFORE],
    ['事後', AFTER],
  ] as const) {
    const opened = await emitAck<Ack<{ round: number }>>(fac, 'survey:open', { surveyId, label, live: true })
    if (!opened.ok) throw new Error(opened.error)
    for (const [i, text] of texts.entries()) expect(await emitAck(phones[i]!, 'survey:answer', { surveyId, round: opened.round, answers: [i % 2, text] })).toEqual({ ok: true })
    expect(await emitAck(fac, 'survey:close', { surveyId })).toEqual({ ok: true })
  }
  return { links, fac, surveyId, phones }
}

const textOf = (doc: Y.Doc, surveyId: string, round: number) => readResults(doc, surveyId, round)?.results[TEXT] as TextResult | undefined
const wordsOf = (doc: Y.Doc, surveyId: string, round: number) => Object.fromEntries((textOf(doc, surveyId, round)?.words ?? []).map((w) => [w.word, w.count]))
const words = (fac: ClientSocket, payload: object) => emitAck<Edited>(fac, 'survey:words', payload)

describe('hiding and merging words of a text question’s cloud', () => {
  const kiosk = useKiosk()

  it('hides a word in every round and on the board, keeps the answers as written, and shows it again', async () => {
    const { links, fac, surveyId } = await twoRounds(kiosk())
    const { doc } = await kiosk().board(links, 'token')
    const board = (await kiosk().board(links, 'key')).doc
    await waitFor(() => expect(wordsOf(board, surveyId, 1)['田中']).toBe(1))

    expect(await words(fac, { surveyId, question: TEXT, action: 'hide', word: '田中' })).toEqual({ ok: true, hidden: ['田中'], merged: [] })
    for (const d of [doc, board]) await waitFor(() => expect(wordsOf(d, surveyId, 1)).not.toHaveProperty('田中'))
    expect(wordsOf(doc, surveyId, 1)).toMatchObject({ DX: 2, 予算: 1 })
    expect(textOf(doc, surveyId, 1)?.answers).toContain('田中さん頼みのDX')
    // the choice question's counts are untouched
    expect(readResults(doc, surveyId, 1)?.results[0]).toEqual([2, 1])
    // which words are hidden (one may name someone) never reaches a board
    expect(readSurveyWordEdits(doc, surveyId, 2)[TEXT]).toEqual({ hidden: ['田中'], merged: [] })
    expect([...(surveysMap(board).get(surveyId)?.keys() ?? [])].some((k) => k.startsWith('words:'))).toBe(false)

    // the same word again, in another width and case, changes nothing
    expect(await words(fac, { surveyId, question: TEXT, action: 'hide', word: '田中' })).toEqual({ ok: true, hidden: ['田中'], merged: [] })
    expect(await words(fac, { surveyId, question: TEXT, action: 'hide', word: 'ｄｘ' })).toEqual({ ok: true, hidden: ['田中', 'dx'], merged: [] })
    await waitFor(() => expect(wordsOf(board, surveyId, 2)).not.toHaveProperty('DX'))

    expect(await words(fac, { surveyId, question: TEXT, action: 'unhide', word: '田中' })).toEqual({ ok: true, hidden: ['dx'], merged: [] })
    expect(await words(fac, { surveyId, question: TEXT, action: 'unhide', word: 'DX' })).toEqual({ ok: true, hidden: [], merged: [] })
    for (const d of [doc, board]) await waitFor(() => expect(wordsOf(d, surveyId, 1)).toMatchObject({ 田中: 1, DX: 2 }))
    expect(surveysMap(doc).get(surveyId)?.has('words:1')).toBe(false)
  })

  it('merges words in every round and in the comparison, and takes the merge back', async () => {
    const { links, fac, surveyId } = await twoRounds(kiosk())
    const { doc } = await kiosk().board(links, 'token')
    const board = (await kiosk().board(links, 'key')).doc
    await waitFor(() => expect(wordsOf(board, surveyId, 2)['デジタル化']).toBe(1))
    const compare = (d: Y.Doc) => compareText(textOf(d, surveyId, 1)!, textOf(d, surveyId, 2)!)
    expect(compare(doc).rose.map((c) => c.word)).toContain('スマートフォン')

    expect(await words(fac, { surveyId, question: TEXT, action: 'merge', word: 'デジタル化', into: 'DX' })).toEqual({ ok: true, hidden: [], merged: [{ word: 'デジタル化', into: 'DX' }] })
    expect(await words(fac, { surveyId, question: TEXT, action: 'merge', word: 'スマートフォン', into: 'スマホ' })).toMatchObject({ ok: true, merged: [{ word: 'デジタル化', into: 'DX' }, { word: 'スマートフォン', into: 'スマホ' }] })
    for (const d of [doc, board]) {
      await waitFor(() => expect(wordsOf(d, surveyId, 1)).toMatchObject({ DX: 3, スマホ: 1 }))
      // an answer with both DX and デジタル化 would still count once: here every answer holds one
      expect(wordsOf(d, surveyId, 2)).toMatchObject({ DX: 2, スマホ: 1 })
      expect(wordsOf(d, surveyId, 2)).not.toHaveProperty('デジタル化')
      const changed = compare(d)
      const named = [...changed.rose, ...changed.fell].map((c) => c.word)
      expect(named).not.toContain('デジタル化')
      expect(named).not.toContain('スマートフォン')
      // DX: 3 of 3 answers before, 2 of 3 after; スマホ: 1 and 1, so it neither rose nor fell
      expect(changed.fell.find((c) => c.word === 'DX')?.after.count).toBe(2)
      expect(named).not.toContain('スマホ')
    }

    // a merge into a merged word goes to its target; merging a word into itself is refused
    expect(await words(fac, { surveyId, question: TEXT, action: 'merge', word: '研修', into: 'デジタル化' })).toMatchObject({ ok: true, merged: expect.arrayContaining([{ word: '研修', into: 'DX' }]) })
    // merging the target into a word merged into it turns the merge round, and what went into it follows
    expect(await words(fac, { surveyId, question: TEXT, action: 'merge', word: 'DX', into: 'デジタル化' })).toEqual({
      ok: true,
      hidden: [],
      merged: [
        { word: 'スマートフォン', into: 'スマホ' },
        { word: '研修', into: 'デジタル化' },
        { word: 'DX', into: 'デジタル化' },
      ],
    })
    await waitFor(() => expect(wordsOf(board, surveyId, 1)).toMatchObject({ デジタル化: 3 }))
    expect(await words(fac, { surveyId, question: TEXT, action: 'merge', word: 'ﾃﾞｼﾞﾀﾙ化', into: 'デジタル化' })).toEqual({ ok: false, error: 'invalid' })

    expect(await words(fac, { surveyId, question: TEXT, action: 'unmerge', word: 'DX' })).toMatchObject({ ok: true })
    expect(await words(fac, { surveyId, question: TEXT, action: 'unmerge', word: '研修' })).toMatchObject({ ok: true })
    expect(await words(fac, { surveyId, question: TEXT, action: 'unmerge', word: 'スマートフォン' })).toEqual({ ok: true, hidden: [], merged: [] })
    for (const d of [doc, board]) await waitFor(() => expect(wordsOf(d, surveyId, 2)).toMatchObject({ デジタル化: 1, スマートフォン: 1, DX: 1, 研修: 1 }))
  })

  it('counts a new answer with the words hidden and merged (the live counts follow them too)', async () => {
    const { links, fac, surveyId, phones } = await twoRounds(kiosk())
    await words(fac, { surveyId, question: TEXT, action: 'hide', word: '田中' })
    await words(fac, { surveyId, question: TEXT, action: 'merge', word: 'デジタル化', into: 'DX' })
    const opened = await emitAck<Ack<{ round: number }>>(fac, 'survey:open', { surveyId, label: '3回目', live: true })
    if (!opened.ok) throw new Error(opened.error)
    expect(await emitAck(phones[0]!, 'survey:answer', { surveyId, round: opened.round, answers: [0, '田中さんとデジタル化'] })).toEqual({ ok: true })
    const board = (await kiosk().board(links, 'key')).doc
    await waitFor(() => expect(wordsOf(board, surveyId, opened.round)).toEqual({ DX: 1 }))
  })

  it('refuses phones and board keys with a clear error, and changes nothing', async () => {
    const { links, fac, surveyId, phones } = await twoRounds(kiosk())
    const { doc } = await kiosk().board(links, 'token')
    expect(await words(phones[0]!, { surveyId, question: TEXT, action: 'hide', word: '田中' })).toEqual({ ok: false, error: 'unauthorized' })
    // a board's key is not the facilitator's token
    const key = new URL(links.boardUrl).searchParams.get('key')!
    const refused = await new Promise<{ data?: { code?: string } }>((resolve) => {
      const s = io(kiosk().url, { auth: { session: links.id, token: key }, query: { session: links.id }, transports: ['websocket'], reconnection: false, forceNew: true })
      s.once('connect_error', (err) => {
        s.close()
        resolve(err as { data?: { code?: string } })
      })
      s.once('connect', () => {
        s.close()
        resolve({})
      })
    })
    expect(refused.data?.code).toBe('unauthorized')
    // and what a board writes into its own copy of the document is dropped by the kiosk
    const board = (await kiosk().board(links, 'key')).doc
    await waitFor(() => expect(surveysMap(board).get(surveyId)).toBeInstanceOf(Y.Map))
    surveysMap(board).get(surveyId)!.set('words:1', { hidden: ['DX'], merged: [] })
    // a change by the facilitator after it, seen on the console, shows the board's never arrived
    await words(fac, { surveyId, question: TEXT, action: 'hide', word: '研修' })
    await waitFor(() => expect(readSurveyWordEdits(doc, surveyId, 2)[TEXT]).toEqual({ hidden: ['研修'], merged: [] }))
    expect(wordsOf(doc, surveyId, 1)['DX']).toBe(2)
  })

  it('forgets them when the survey’s questions are replaced (an edit before any answer)', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '準備中', questions: QUESTIONS })
    if (!created.ok) throw new Error(created.error)
    const { surveyId } = created
    expect(await words(fac, { surveyId, question: TEXT, action: 'merge', word: 'デジタル化', into: 'DX' })).toMatchObject({ ok: true })
    const { doc } = await kiosk().board(links, 'token')
    await waitFor(() => expect(readSurveyWordEdits(doc, surveyId, 2)[TEXT]!.merged).toHaveLength(1))
    expect(await emitAck(fac, 'survey:edit', { surveyId, title: '準備中', questions: [QUESTIONS[1], QUESTIONS[0]] })).toEqual({ ok: true })
    await waitFor(() => expect(readSurveyWordEdits(doc, surveyId, 2)).toEqual([{ hidden: [], merged: [] }, { hidden: [], merged: [] }]))
  })

  it('refuses wrong shapes with a code and changes nothing', async () => {
    const { links, fac, surveyId } = await twoRounds(kiosk())
    const { doc } = await kiosk().board(links, 'token')
    const before = JSON.stringify(surveysMap(doc).get(surveyId)?.toJSON()) + JSON.stringify(readResults(doc, surveyId, 1))
    const cases: Array<[object | unknown, string]> = [
      [null, 'invalid'],
      ['hide', 'invalid'],
      [{ surveyId, question: TEXT, action: 'hide' }, 'invalid'],
      [{ surveyId, question: TEXT, action: 'hide', word: 42 }, 'invalid'],
      [{ surveyId, question: TEXT, action: 'delete', word: 'DX' }, 'invalid'],
      [{ surveyId, question: TEXT, action: 'merge', word: 'DX' }, 'invalid'],
      [{ surveyId, question: -1, action: 'hide', word: 'DX' }, 'invalid'],
      [{ surveyId, question: 1.5, action: 'hide', word: 'DX' }, 'invalid'],
      [{ surveyId, question: LIMITS.maxSurveyQuestions, action: 'hide', word: 'DX' }, 'invalid'],
      [{ surveyId, question: 0, action: 'hide', word: '人材' }, 'invalid'], // a choice question has no cloud
      [{ surveyId, question: 5, action: 'hide', word: 'DX' }, 'not_found'],
      [{ surveyId: 'no-such-survey', question: TEXT, action: 'hide', word: 'DX' }, 'not_found'],
      [{ surveyId, question: TEXT, action: 'hide', word: '  \u200b ' }, 'empty'],
      [{ surveyId, question: TEXT, action: 'hide', word: 'あ'.repeat(LIMITS.maxCloudWordChars + 1) }, 'too_long'],
      [{ surveyId, question: TEXT, action: 'hide', word: 'あ'.repeat(LIMITS.maxCloudWordChars * 4 + 1) }, 'invalid'],
      [{ surveyId, question: TEXT, action: 'merge', word: 'DX', into: '' }, 'empty'],
      [{ surveyId, question: TEXT, action: 'merge', word: 'DX', into: 'ＤＸ' }, 'invalid'],
    ]
    for (const [payload, error] of cases) expect(await words(fac, payload as object), JSON.stringify(payload)).toEqual({ ok: false, error })
    expect(JSON.stringify(surveysMap(doc).get(surveyId)?.toJSON()) + JSON.stringify(readResults(doc, surveyId, 1))).toBe(before)
  })

  it(`holds at most ${LIMITS.maxHiddenWordsPerQuestion} hidden and ${LIMITS.maxMergedWordsPerQuestion} merged words a question, even sent all at once`, async () => {
    const { links, fac, surveyId } = await twoRounds(kiosk())
    const { doc } = await kiosk().board(links, 'token')
    const flood = (n: number, payload: (i: number) => object) => Promise.all(Array.from({ length: n }, (_, i) => words(fac, payload(i))))
    const hid = await flood(LIMITS.maxHiddenWordsPerQuestion + 20, (i) => ({ surveyId, question: TEXT, action: 'hide', word: `語${i}` }))
    expect(hid.filter((a) => a.ok)).toHaveLength(LIMITS.maxHiddenWordsPerQuestion)
    expect(hid.filter((a) => !a.ok).every((a) => !a.ok && a.error === 'full')).toBe(true)
    const merged = await flood(LIMITS.maxMergedWordsPerQuestion + 20, (i) => ({ surveyId, question: TEXT, action: 'merge', word: `別${i}`, into: 'DX' }))
    expect(merged.filter((a) => a.ok)).toHaveLength(LIMITS.maxMergedWordsPerQuestion)
    expect(merged.filter((a) => !a.ok).every((a) => !a.ok && a.error === 'full')).toBe(true)
    await waitFor(() => {
      const kept = readSurveyWordEdits(doc, surveyId, 2)[TEXT]!
      expect(kept.hidden).toHaveLength(LIMITS.maxHiddenWordsPerQuestion)
      expect(kept.merged).toHaveLength(LIMITS.maxMergedWordsPerQuestion)
    })
    // a full list still lets a word go back, and then takes another
    expect(await words(fac, { surveyId, question: TEXT, action: 'unhide', word: '語0' })).toMatchObject({ ok: true })
    expect(await words(fac, { surveyId, question: TEXT, action: 'hide', word: '田中' })).toMatchObject({ ok: true })
    // the kiosk still answers the room at once
    expect(await emitAck(fac, 'survey:reveal', { surveyId, shown: true })).toEqual({ ok: true })
  })
})

describe('hidden and merged words in the record', () => {
  const kiosk = useKiosk()
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${kiosk().url}${p}`, { ...init, headers: { authorization: `Bearer ${kiosk().token}`, 'content-type': 'application/json', ...init.headers } })

  async function edited(): Promise<{ links: SessionLinks; surveyId: string }> {
    const { links, fac, surveyId } = await twoRounds(kiosk())
    await words(fac, { surveyId, question: TEXT, action: 'hide', word: '田中' })
    await words(fac, { surveyId, question: TEXT, action: 'merge', word: 'デジタル化', into: 'DX' })
    return { links, surveyId }
  }

  it('keeps them in the JSON, counts every round with them, and the answers stay as written', async () => {
    const { links } = await edited()
    const record = await (await api(`/api/sessions/${links.id}/export?format=json`)).json()
    const s = record.surveys[0]
    expect(s.wordEdits).toEqual([{ index: TEXT, hidden: ['田中'], merged: [{ word: 'デジタル化', into: 'DX' }] }])
    const [before, after] = s.rounds.map((r: { results: TextResult[] }) => r.results[TEXT]!)
    expect(before.words).toEqual([
      { word: 'DX', count: 3 },
      { word: '予算', count: 1 },
      { word: 'スマホ', count: 1 },
      { word: '申請', count: 1 },
      { word: '頼み', count: 1 },
    ])
    expect(after.words.map((w: { word: string }) => w.word)).not.toContain('デジタル化')
    expect(before.answers).toEqual(BEFORE)
    expect(s.questions).toEqual([
      { kind: 'choice', text: '一番の要因は', options: ['人材', '予算'] },
      { kind: 'text', text: 'DXについて一言' },
    ])
  })

  it('writes the merges and how many words were hidden in the Markdown, and its word lists follow them', async () => {
    const { links } = await edited()
    const md = await (await api(`/api/sessions/${links.id}/export?format=md`)).text()
    expect(md).toContain('語のまとめ: デジタル化 → DX')
    expect(md).toContain('雲から外した語: 1語（回答はそのまま）')
    const lists = md.split('\n').filter((l) => l.startsWith('よく出た語') || l.startsWith('- 増えた語') || l.startsWith('- 減った語'))
    expect(lists).toHaveLength(4)
    for (const l of lists) {
      expect(l).not.toContain('田中')
      expect(l).not.toContain('デジタル化')
    }
    expect(lists[0]).toContain('DX (3)')
    const en = await (await api(`/api/sessions/${links.id}/export?format=md&lang=en`)).text()
    expect(en).toContain('Words merged: デジタル化 → DX')
  })

  it('leaves the CSV of answers as written', async () => {
    const { links } = await edited()
    const csv = await (await api(`/api/sessions/${links.id}/export?format=surveys.csv`)).text()
    for (const a of [...BEFORE, ...AFTER]) expect(csv).toContain(a)
  })

  it('brings them back with an imported record and keeps them in a template', async () => {
    const { links } = await edited()
    const record = await (await api(`/api/sessions/${links.id}/export?format=json`)).json()
    const res = await api('/api/sessions/import', { method: 'POST', body: JSON.stringify(record) })
    expect(res.status).toBe(201)
    const copy = (await res.json()) as SessionLinks
    const again = await (await api(`/api/sessions/${copy.id}/export?format=json`)).json()
    expect(again.surveys[0].wordEdits).toEqual(record.surveys[0].wordEdits)
    expect(again.surveys[0].rounds.map((r: { results: unknown[] }) => r.results)).toEqual(record.surveys[0].rounds.map((r: { results: unknown[] }) => r.results))
    // taken back in the imported session, the words are counted again from the recorded answers
    const fac = await kiosk().facilitator(copy.id)
    const surveyId = again.surveys[0].id
    expect(await words(fac, { surveyId, question: TEXT, action: 'unhide', word: '田中' })).toMatchObject({ ok: true, hidden: [] })
    const { doc } = await kiosk().board(copy, 'token')
    await waitFor(() => expect(wordsOf(doc, surveyId, 1)['田中']).toBe(1))
    const template = await api(`/api/sessions/${links.id}/duplicate`, { method: 'POST' })
    const t = await (await api(`/api/sessions/${((await template.json()) as SessionLinks).id}/export?format=json`)).json()
    expect(t.surveys[0].wordEdits).toEqual(record.surveys[0].wordEdits)
  })

  it('refuses a record whose edits name a question without a cloud, or too many words', async () => {
    const { links } = await edited()
    const record = await (await api(`/api/sessions/${links.id}/export?format=json`)).json()
    const bad = (wordEdits: unknown) => api('/api/sessions/import', { method: 'POST', body: JSON.stringify({ ...record, surveys: [{ ...record.surveys[0], wordEdits }] }) })
    expect((await bad([{ index: 0, hidden: ['人材'], merged: [] }])).status).toBe(400)
    const many = await bad([{ index: TEXT, hidden: Array.from({ length: LIMITS.maxHiddenWordsPerQuestion + 1 }, (_, i) => `語${i}`), merged: [] }])
    expect(many.status).toBe(400)
    expect(await many.json()).toEqual({ error: 'full' })
  })
})

describe('hidden and merged words across a restart', () => {
  it('are kept, with the counts that follow them, when the kiosk starts again on the same folder', async () => {
    const dataDir = tempDir()
    const first = await startKiosk({ dataDir })
    let links!: SessionLinks
    let surveyId!: string
    try {
      const run = await twoRounds(first)
      ;({ links, surveyId } = run)
      await words(run.fac, { surveyId, question: TEXT, action: 'hide', word: '田中' })
      await words(run.fac, { surveyId, question: TEXT, action: 'merge', word: 'デジタル化', into: 'DX' })
    } finally {
      await first.close()
    }
    const second = await kioskForTest({ dataDir })
    const { doc } = await second.board(links, 'token')
    expect(readSurveyWordEdits(doc, surveyId, 2)[TEXT]).toEqual({ hidden: ['田中'], merged: [{ word: 'デジタル化', into: 'DX' }] })
    expect(wordsOf(doc, surveyId, 1)).toMatchObject({ DX: 3 })
    expect(wordsOf(doc, surveyId, 1)).not.toHaveProperty('田中')
    // and still reversible after the restart
    const fac = await second.facilitator(links.id)
    expect(await words(fac, { surveyId, question: TEXT, action: 'unmerge', word: 'DX' })).toEqual({ ok: true, hidden: ['田中'], merged: [] })
    await waitFor(() => expect(wordsOf(doc, surveyId, 1)).toMatchObject({ DX: 2, デジタル化: 1 }))
  })
})
