import { describe, expect, it, onTestFinished } from 'vitest'
import { io } from 'socket.io-client'
import type * as Y from 'yjs'
import { readResults, readSurvey, resultsKey, surveyTurnoutMap } from '../../shared/board-doc.ts'
import type { Ack } from '../../shared/errors.ts'
import { LIMITS } from '../../shared/limits.ts'
import type { SessionLinks, SurveyForPhone } from '../../shared/protocol.ts'
import { emitAck, kioskForTest, useKiosk, withDatabase, type ClientSocket, type TestKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'

/** The workshop's survey: one question of each kind. */
const FIVE_QUESTIONS = [
  { kind: 'choice', text: 'DXが進まないと感じる一番の要因は', options: ['人材', '予算', '前例主義', 'システム'] },
  { kind: 'multi', text: '当てはまるものすべて', options: ['紙の決裁', '縦割り', '研修不足'] },
  { kind: 'scale', text: 'DXの必要性を感じる', minLabel: '感じない', maxLabel: '強く感じる' },
  { kind: 'scale', text: '自分の課で進められる', min: 0, max: 10 },
  { kind: 'text', text: '一言どうぞ' },
] as const

const GOOD_ANSWERS = [1, [0, 2], 4, 7, '前例主義をやめたい']

async function surveySession(kiosk: TestKiosk, opts: { live?: boolean } = {}) {
  const links = await kiosk.createSession()
  const fac = await kiosk.facilitator(links.id)
  const created = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '事前アンケート', questions: FIVE_QUESTIONS })
  if (!created.ok) throw new Error(created.error)
  const { surveyId } = created
  const opened = await emitAck<Ack<{ round: number }>>(fac, 'survey:open', { surveyId, label: '事前', live: opts.live })
  if (!opened.ok) throw new Error(opened.error)
  return { links, fac, surveyId, round: opened.round }
}

/** The survey a phone is greeted with on connect (listened for before it connects). */
function greeted(kiosk: TestKiosk, links: SessionLinks, deviceId: string): Promise<SurveyForPhone | null> {
  const socket: ClientSocket = io(kiosk.url, { auth: { session: links.id, deviceId }, transports: ['websocket'], reconnection: false, forceNew: true })
  onTestFinished(() => void socket.close())
  return new Promise((resolve) => socket.once('survey:current', resolve))
}

const answer = (phone: ClientSocket, surveyId: string, round: number, answers: unknown[]) => emitAck<Ack>(phone, 'survey:answer', { surveyId, round, answers })

describe('surveys: the data flow', () => {
  const kiosk = useKiosk()

  it('stores an answer per phone per round, replaces a second answer, and counts them in the facilitator document', async () => {
    const { links, surveyId, round } = await surveySession(kiosk())
    expect(round).toBe(1)
    const a = await kiosk().phone(links.id, { deviceId: 'phone-a' })
    const b = await kiosk().phone(links.id, { deviceId: 'phone-b' })
    expect(await answer(a, surveyId, round, GOOD_ANSWERS)).toEqual({ ok: true })
    expect(await answer(b, surveyId, round, [0, null, 2, null, null])).toEqual({ ok: true })
    // phone a changes its mind: it still counts once
    expect(await answer(a, surveyId, round, [2, [1], 5, 10, '  縦割り  '])).toEqual({ ok: true })
    const { doc } = await kiosk().board(links, 'token')
    await waitFor(() => expect(readResults(doc, surveyId, round)?.responses).toBe(2))
    const r = readResults(doc, surveyId, round)!
    expect(r.results[0]).toEqual([1, 0, 1, 0])
    expect(r.results[1]).toEqual([0, 1, 0])
    expect(r.results[2]).toEqual([0, 1, 0, 0, 1])
    expect(r.results[3]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    // the cloud's words come from shared/words.ts: here only that they are counted once per answer
    const text = r.results[4] as { answers: string[]; words: Array<{ word: string; count: number }> }
    expect(text.answers).toEqual(['縦割り'])
    expect(text.words.length).toBeGreaterThan(0)
    expect(text.words.every((w) => w.count === 1 && '縦割り'.includes(w.word))).toBe(true)
    const rows = withDatabase(kiosk().dataFile, (db) => db.prepare('SELECT count(*) AS n FROM survey_answers WHERE survey_id = ?').get(surveyId) as { n: number })
    expect(rows.n).toBe(2)
  })

  it('gives a phone the survey once when it becomes current, not an update per answer', async () => {
    const { links, fac, surveyId, round } = await surveySession(kiosk())
    const phone = await kiosk().phone(links.id, { deviceId: 'watcher' })
    const seen: Array<SurveyForPhone | null> = []
    phone.on('survey:current', (s) => seen.push(s))
    expect(await emitAck(fac, 'agenda:current', { activityId: `survey:${surveyId}` })).toEqual({ ok: true })
    await waitFor(() => expect(seen.at(-1)?.surveyId).toBe(surveyId))
    expect(seen.at(-1)).toMatchObject({ title: '事前アンケート', round: { round, label: '事前', open: true } })
    const others = await Promise.all([1, 2, 3, 4, 5].map((i) => kiosk().phone(links.id, { deviceId: `other-${i}` })))
    for (const o of others) expect(await answer(o, surveyId, round, GOOD_ANSWERS)).toEqual({ ok: true })
    const { doc } = await kiosk().board(links, 'token')
    await waitFor(() => expect(readResults(doc, surveyId, round)?.responses).toBe(5))
    expect(seen.length).toBe(1)
    // a phone that connects later gets its own answers back with the survey
    const greeting = await greeted(kiosk(), links, 'other-1')
    expect(greeting?.mine).toEqual([1, [0, 2], 4, 7, '前例主義をやめたい'])
    // closing the round tells phones once
    expect(await emitAck(fac, 'survey:close', { surveyId })).toEqual({ ok: true })
    await waitFor(() => expect(seen.at(-1)?.round?.open).toBe(false))
    expect(seen.length).toBe(2)
  })

  it('refuses every facilitator event from a phone, and nothing changes', async () => {
    const { links, surveyId } = await surveySession(kiosk())
    const phone = await kiosk().phone(links.id, { deviceId: 'intruder' })
    const { doc } = await kiosk().board(links, 'token')
    const before = JSON.stringify(doc.toJSON())
    const attempts: Array<[string, unknown]> = [
      ['survey:create', { title: 'x', questions: FIVE_QUESTIONS }],
      ['survey:edit', { surveyId, title: 'x', questions: FIVE_QUESTIONS }],
      ['survey:delete', { surveyId }],
      ['survey:open', { surveyId, label: '事後' }],
      ['survey:close', { surveyId }],
      ['survey:reveal', { surveyId, shown: true }],
      ['agenda:add', { kind: 'questions', title: 'Q' }],
      ['agenda:move', { activityId: `survey:${surveyId}`, index: 0 }],
      ['agenda:remove', { activityId: `survey:${surveyId}` }],
      ['agenda:current', { activityId: `survey:${surveyId}` }],
    ]
    for (const [event, payload] of attempts) expect(await emitAck(phone, event, payload), event).toEqual({ ok: false, error: 'unauthorized' })
    // a phone cannot pass itself off as a paper sheet either
    expect(await emitAck(phone, 'survey:answer', { surveyId, round: 1, answers: GOOD_ANSWERS, sheetId: 'x' })).toEqual({ ok: false, error: 'invalid' })
    await new Promise((r) => setTimeout(r, 100))
    expect(JSON.stringify(doc.toJSON())).toBe(before)
  })

  it('answers not_found, closed and invalid, and stores nothing for them', async () => {
    const { links, fac, surveyId, round } = await surveySession(kiosk())
    const phone = await kiosk().phone(links.id, { deviceId: 'bad-input' })
    expect(await answer(phone, 'no-such-survey', 1, GOOD_ANSWERS)).toEqual({ ok: false, error: 'not_found' })
    expect(await answer(phone, surveyId, 2, GOOD_ANSWERS)).toEqual({ ok: false, error: 'not_found' })
    const invalid: unknown[][] = [
      [1, [0], 3, 3], // too few
      [...GOOD_ANSWERS, null], // too many
      [4, null, null, null, null], // option out of range
      [-1, null, null, null, null],
      [1.5, null, null, null, null],
      ['1', null, null, null, null], // wrong type
      [null, [0, 0], null, null, null], // an option twice
      [null, [3], null, null, null],
      [null, 1, null, null, null],
      [null, null, 0, null, null], // below the scale
      [null, null, 6, null, null], // above it
      [null, null, null, 11, null],
      [null, null, null, null, 5],
      [null, null, null, null, ['text']],
    ]
    for (const a of invalid) expect(await answer(phone, surveyId, round, a), JSON.stringify(a)).toEqual({ ok: false, error: 'invalid' })
    expect(await emitAck(phone, 'survey:answer', { surveyId, round, answers: 'all' })).toEqual({ ok: false, error: 'invalid' })
    expect(await emitAck(phone, 'survey:answer', { surveyId, answers: GOOD_ANSWERS })).toEqual({ ok: false, error: 'invalid' })
    expect(await emitAck(phone, 'survey:answer', { surveyId, round, answers: new Array(25).fill(null) })).toEqual({ ok: false, error: 'invalid' })
    // text is cleaned and measured like a note
    expect(await answer(phone, surveyId, round, [null, null, null, null, 'あ'.repeat(LIMITS.maxNoteChars + 1)])).toEqual({ ok: false, error: 'too_long' })
    // nothing answered at all (an empty text is a skip)
    expect(await answer(phone, surveyId, round, [null, [], null, null, ' \u200b '])).toEqual({ ok: false, error: 'empty' })
    expect(await emitAck(fac, 'survey:close', { surveyId })).toEqual({ ok: true })
    expect(await answer(phone, surveyId, round, GOOD_ANSWERS)).toEqual({ ok: false, error: 'closed' })
    const rows = withDatabase(kiosk().dataFile, (db) => db.prepare('SELECT count(*) AS n FROM survey_answers WHERE survey_id = ?').get(surveyId) as { n: number })
    expect(rows.n).toBe(0)
  })

  it('refuses surveys of the wrong shape', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const bad: unknown[] = [
      { title: 'x', questions: [] },
      { title: 'x', questions: new Array(LIMITS.maxSurveyQuestions + 1).fill({ kind: 'text', text: 'q' }) },
      { title: 'x', questions: [{ kind: 'choice', text: 'q', options: ['only one'] }] },
      { title: 'x', questions: [{ kind: 'choice', text: 'q', options: new Array(11).fill('o') }] },
      { title: 'x', questions: [{ kind: 'scale', text: 'q', min: 5, max: 5 }] },
      { title: 'x', questions: [{ kind: 'scale', text: 'q', min: 3, max: 2 }] },
      { title: 'x', questions: [{ kind: 'rank', text: 'q' }] },
      { title: 'x', questions: [{ kind: 'text' }] },
    ]
    for (const b of bad) expect(await emitAck(fac, 'survey:create', b), JSON.stringify(b).slice(0, 80)).toEqual({ ok: false, error: 'invalid' })
    expect(await emitAck(fac, 'survey:create', { title: ' ', questions: [{ kind: 'text', text: 'q' }] })).toEqual({ ok: false, error: 'empty' })
    expect(await emitAck(fac, 'survey:create', { title: 'x', questions: [{ kind: 'choice', text: 'q', options: ['a', '\u200b'] }] })).toEqual({ ok: false, error: 'empty' })
    expect(await emitAck(fac, 'survey:open', { surveyId: 'nope', label: '事前' })).toEqual({ ok: false, error: 'not_found' })
    expect(await emitAck(fac, 'survey:close', { surveyId: 'nope' })).toEqual({ ok: false, error: 'not_found' })
    expect(await emitAck(fac, 'survey:reveal', { surveyId: 'nope', shown: true })).toEqual({ ok: false, error: 'not_found' })
  })

  it('opening a round closes any other open round in the session', async () => {
    const { links, fac, surveyId } = await surveySession(kiosk())
    const poll = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '投票', questions: [FIVE_QUESTIONS[0]] })
    if (!poll.ok) throw new Error(poll.error)
    expect(await emitAck(fac, 'survey:open', { surveyId: poll.surveyId, label: 'ライブ', live: true })).toEqual({ ok: true, round: 1 })
    const phone = await kiosk().phone(links.id, { deviceId: 'p1' })
    expect(await answer(phone, surveyId, 1, GOOD_ANSWERS)).toEqual({ ok: false, error: 'closed' })
    expect(await answer(phone, poll.surveyId, 1, [0])).toEqual({ ok: true })
    expect(await emitAck(fac, 'survey:open', { surveyId, label: '事後' })).toEqual({ ok: true, round: 2 })
    expect(await answer(phone, poll.surveyId, 1, [0])).toEqual({ ok: false, error: 'closed' })
  })

  it('edits and deletes a survey only while it has no answers', async () => {
    const { links, fac, surveyId, round } = await surveySession(kiosk())
    expect(await emitAck(fac, 'survey:edit', { surveyId, title: '直した', questions: [FIVE_QUESTIONS[2]] })).toEqual({ ok: true })
    const phone = await kiosk().phone(links.id, { deviceId: 'p1' })
    expect(await answer(phone, surveyId, round, [3])).toEqual({ ok: true })
    expect(await emitAck(fac, 'survey:edit', { surveyId, title: 'また', questions: FIVE_QUESTIONS })).toEqual({ ok: false, error: 'has_answers' })
    expect(await emitAck(fac, 'survey:delete', { surveyId })).toEqual({ ok: false, error: 'has_answers' })
    const other = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '消す', questions: [FIVE_QUESTIONS[4]] })
    if (!other.ok) throw new Error(other.error)
    expect(await emitAck(fac, 'survey:delete', { surveyId: other.surveyId })).toEqual({ ok: true })
    const { doc } = await kiosk().board(links, 'token')
    expect(readSurvey(doc, other.surveyId)).toBeUndefined()
    expect(readSurvey(doc, surveyId)?.title).toBe('直した')
  })

  it('counts each paper sheet the facilitator types in as its own respondent, also after the round closed', async () => {
    const { links, fac, surveyId, round } = await surveySession(kiosk())
    expect(await emitAck(fac, 'survey:answer', { surveyId, round, answers: GOOD_ANSWERS })).toEqual({ ok: true })
    expect(await emitAck(fac, 'survey:close', { surveyId })).toEqual({ ok: true })
    expect(await emitAck(fac, 'survey:answer', { surveyId, round, answers: GOOD_ANSWERS, sheetId: 'sheet-7' })).toEqual({ ok: true })
    // the same sheet sent again replaces itself
    expect(await emitAck(fac, 'survey:answer', { surveyId, round, answers: [0, null, null, null, null], sheetId: 'sheet-7' })).toEqual({ ok: true })
    const { doc } = await kiosk().board(links, 'token')
    await waitFor(() => expect(readResults(doc, surveyId, round)?.responses).toBe(2))
    expect(readResults(doc, surveyId, round)!.results[0]).toEqual([1, 1, 0, 0])
  })
})

describe('surveys: the board sees only what the room may see', () => {
  const kiosk = useKiosk()

  const boardJson = (doc: Y.Doc) => JSON.stringify(doc.toJSON())

  it('carries a hidden round’s counts only once revealed, and never a device id', async () => {
    const { links, fac, surveyId, round } = await surveySession(kiosk())
    expect(await emitAck(fac, 'agenda:current', { activityId: `survey:${surveyId}` })).toEqual({ ok: true })
    const { doc: board } = await kiosk().board(links, 'key')
    const { doc: full } = await kiosk().board(links, 'token')
    const phones = await Promise.all(['secret-device-1', 'secret-device-2'].map((deviceId) => kiosk().phone(links.id, { deviceId })))
    for (const p of phones) expect(await answer(p, surveyId, round, GOOD_ANSWERS)).toEqual({ ok: true })
    await waitFor(() => expect(readResults(full, surveyId, round)?.responses).toBe(2))
    await waitFor(() => expect(readSurvey(board, surveyId)?.title).toBe('事前アンケート'))
    expect(readResults(board, surveyId, round)).toBeUndefined()
    expect(boardJson(board)).not.toContain('前例主義をやめたい')
    // the turnout of the hidden round reaches the board, and nothing else of it
    await waitFor(() => expect(surveyTurnoutMap(board).toJSON()).toEqual({ [resultsKey(surveyId, round)]: 2 }))
    expect(await emitAck(fac, 'survey:reveal', { surveyId, shown: true })).toEqual({ ok: true })
    await waitFor(() => expect(readResults(board, surveyId, round)?.responses).toBe(2))
    expect(surveyTurnoutMap(board).size).toBe(0) // revealed: the counts carry the turnout
    // a text question reaches the board as its words and its number of answers, never the answers
    const text = readResults(board, surveyId, round)?.results[4]
    expect(text).toMatchObject({ answers: [], answered: 2 })
    expect(JSON.stringify(text)).toContain('前例主義')
    expect(boardJson(board)).not.toContain('前例主義をやめたい')
    expect(boardJson(full)).toContain('前例主義をやめたい')
    for (const doc of [board, full]) expect(boardJson(doc)).not.toContain('secret-device')
    expect(await emitAck(fac, 'survey:reveal', { surveyId, shown: false })).toEqual({ ok: true })
    await waitFor(() => expect(readResults(board, surveyId, round)).toBeUndefined())
    // another survey's counts never reach the board, shown or not
    const other = await emitAck<Ack<{ surveyId: string }>>(fac, 'survey:create', { title: '別', questions: [FIVE_QUESTIONS[0]] })
    if (!other.ok) throw new Error(other.error)
    expect(await emitAck(fac, 'survey:open', { surveyId: other.surveyId, label: 'x', live: true })).toEqual({ ok: true, round: 1 })
    await new Promise((r) => setTimeout(r, 200))
    expect(readSurvey(board, other.surveyId)).toBeUndefined()
    expect(readResults(board, other.surveyId, 1)).toBeUndefined()
  })

  it('shows a live round’s counts as they come', async () => {
    const { links, fac, surveyId, round } = await surveySession(kiosk(), { live: true })
    expect(await emitAck(fac, 'agenda:current', { activityId: `survey:${surveyId}` })).toEqual({ ok: true })
    const { doc: board } = await kiosk().board(links, 'key')
    const phone = await kiosk().phone(links.id, { deviceId: 'live-1' })
    expect(await answer(phone, surveyId, round, GOOD_ANSWERS)).toEqual({ ok: true })
    await waitFor(() => expect(readResults(board, surveyId, round)?.responses).toBe(1))
  })
})

describe('surveys: budgets per phone and per address', () => {
  it('a script rotating device ids from one address cannot stuff a round', async () => {
    const kiosk = await kioskForTest({ loopbackExempt: false })
    const { links, surveyId, round } = await surveySession(kiosk)
    const acks: Array<Ack> = []
    for (let i = 0; i < LIMITS.maxPhonesPerAddress + 5; i += 5) {
      const batch = await Promise.all(
        [0, 1, 2, 3, 4].map(async (j) => {
          const phone = await kiosk.phone(links.id, { deviceId: `rotating-${i + j}`, localAddress: '127.0.0.2' })
          const ack = await answer(phone, surveyId, round, GOOD_ANSWERS)
          phone.close()
          return ack
        }),
      )
      acks.push(...batch)
    }
    expect(acks.filter((a) => a.ok).length).toBe(LIMITS.maxPhonesPerAddress)
    expect(acks.filter((a) => !a.ok && a.error === 'rate_limited').length).toBe(5)
    // a phone from another address still answers
    const elsewhere = await kiosk.phone(links.id, { deviceId: 'elsewhere', localAddress: '127.0.0.3' })
    expect(await answer(elsewhere, surveyId, round, GOOD_ANSWERS)).toEqual({ ok: true })
  })

  it('a phone flooding answers is rate limited, and still counts once', async () => {
    const kiosk = await kioskForTest()
    const { links, surveyId, round } = await surveySession(kiosk)
    const phone = await kiosk.phone(links.id, { deviceId: 'flood' })
    const acks = await Promise.all(Array.from({ length: 60 }, () => answer(phone, surveyId, round, GOOD_ANSWERS)))
    expect(acks.filter((a) => a.ok).length).toBe(LIMITS.surveyAnswersBurstPerPhone)
    expect(acks.filter((a) => !a.ok && a.error === 'rate_limited').length).toBe(60 - LIMITS.surveyAnswersBurstPerPhone)
    const { doc } = await kiosk.board(links, 'token')
    await waitFor(() => expect(readResults(doc, surveyId, round)?.responses).toBe(1))
  })
})
