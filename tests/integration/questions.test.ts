import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Ack } from '../../shared/errors.ts'
import { newClientId } from '../../shared/ids.ts'
import { LIMITS } from '../../shared/limits.ts'
import type { MyQuestion, QuestionList, SessionLinks } from '../../shared/protocol.ts'
import { readQuestionHighlight, readQuestionMode, readQuestions } from '../../shared/questions-doc.ts'
import { emitAck, failWrites, kioskForTest, lastQuestionList, startKiosk, tempDir, useKiosk, withDatabase, type ClientSocket, type TestKiosk } from '../helpers/kiosk.ts'
import { waitFor } from '../helpers/wait.ts'
import { SCHEMA_VERSION } from '../../server/store/sql.ts'

type Ok<T = object> = { ok: true } & T
type AskAck = Ack<{ questionId: string }>
type VoteAck = Ack<{ votes: number }>

const ask = (phone: ClientSocket, text: string, id = newClientId()) => emitAck<AskAck>(phone, 'question:ask', { id, text })
const asked = async (phone: ClientSocket, text: string) => {
  const ack = await ask(phone, text)
  if (!ack.ok) throw new Error(`ask: ${ack.error}`)
  return ack.questionId
}
const upvote = (phone: ClientSocket, questionId: string, on = true) => emitAck<VoteAck>(phone, 'question:upvote', { questionId, on })
const moderate = (fac: ClientSocket, questionId: string, action: string, extra: object = {}) => emitAck<Ack>(fac, 'question:moderate', { questionId, action, ...extra })

/** Everything a phone socket hears of the questions, folded into the list it would show. */
function listen(phone: ClientSocket): { list(): QuestionList | undefined; statuses: MyQuestion[]; raw: string[] } {
  // the list sent on connect, heard by the test helper before this listener existed
  let list: QuestionList | undefined = lastQuestionList(phone)
  const statuses: MyQuestion[] = []
  const raw: string[] = list ? [JSON.stringify(list)] : []
  phone.on('question:list', (l) => {
    raw.push(JSON.stringify(l))
    list = l
  })
  phone.on('question:votes', (v) => {
    raw.push(JSON.stringify(v))
    if (list) list = { ...list, questions: list.questions.map((q) => (v[q.id] !== undefined ? { ...q, votes: v[q.id]! } : q)) }
  })
  phone.on('question:status', (s) => {
    raw.push(JSON.stringify(s))
    statuses.push(s)
  })
  return { list: () => list, statuses, raw }
}

/** A session with questions in the given mode, its facilitator socket and a read-write copy of the document. */
async function room(kiosk: TestKiosk, mode: 'open' | 'moderated' = 'open'): Promise<{ links: SessionLinks; fac: ClientSocket; doc: Y.Doc }> {
  const links = await kiosk.createSession()
  const fac = await kiosk.facilitator(links.id)
  expect(await emitAck(fac, 'session:update', { questions: mode })).toEqual({ ok: true })
  const { doc } = await kiosk.board(links, 'token')
  await waitFor(() => expect(readQuestionMode(doc)).toBe(mode))
  return { links, fac, doc }
}

const bytesOf = (doc: Y.Doc) => Buffer.from(Y.encodeStateAsUpdate(doc)).toString('utf8')

describe('questions to the speaker', () => {
  const kiosk = useKiosk()

  it('takes a question while questions are open and puts it on the list of every phone', async () => {
    const { links, doc } = await room(kiosk())
    const asker = await kiosk().phone(links.id, { deviceId: newClientId() })
    const other = await kiosk().phone(links.id)
    const heard = listen(other)
    const ack = await ask(asker, '  費用対効果をどう評価するべきか\u200b ')
    expect(ack).toEqual({ ok: true, questionId: expect.any(String) })
    const id = (ack as Ok<{ questionId: string }>).questionId
    await waitFor(() => expect(heard.list()?.questions).toEqual([{ id, text: '費用対効果をどう評価するべきか', votes: 0, answered: false, askedAt: expect.any(Number) }]))
    expect(heard.list()?.mode).toBe('open')
    await waitFor(() => expect(readQuestions(doc)).toMatchObject([{ id, status: 'visible', votes: 0, answered: false }]))
  })

  it('refuses to take questions or upvotes while questions are off, and says closed', async () => {
    const links = await kiosk().createSession()
    const fac = await kiosk().facilitator(links.id)
    const phone = await kiosk().phone(links.id)
    expect(await ask(phone, '今は閉じている')).toEqual({ ok: false, error: 'closed' })
    await emitAck(fac, 'session:update', { questions: 'open' })
    const id = await asked(phone, '開いている')
    await emitAck(fac, 'session:update', { questions: 'off' })
    expect(await upvote(phone, id)).toEqual({ ok: false, error: 'closed' })
    expect(await ask(phone, 'また閉じた')).toEqual({ ok: false, error: 'closed' })
    const { doc } = await kiosk().board(links, 'token')
    expect(readQuestions(doc).map((q) => q.text)).toEqual(['開いている'])
  })

  it('refuses a question once the session is closed, whatever the mode', async () => {
    const { links } = await room(kiosk())
    const phone = await kiosk().phone(links.id)
    const res = await fetch(`${kiosk().url}/api/sessions/${links.id}/close`, { method: 'POST', headers: { authorization: `Bearer ${kiosk().token}` } })
    expect(res.status).toBeLessThan(300)
    expect(await ask(phone, '閉会後')).toEqual({ ok: false, error: 'closed' })
  })

  it('refuses bad input of every shape and changes nothing', async () => {
    const { links, doc } = await room(kiosk())
    const phone = await kiosk().phone(links.id)
    const bad: Array<[string, unknown, string]> = [
      ['question:ask', null, 'invalid'],
      ['question:ask', 'text', 'invalid'],
      ['question:ask', { text: 'no id' }, 'invalid'],
      ['question:ask', { id: '', text: 'empty id' }, 'invalid'],
      ['question:ask', { id: 'x'.repeat(65), text: 'long id' }, 'invalid'],
      ['question:ask', { id: 'a', text: 42 }, 'invalid'],
      ['question:ask', { id: 'b', text: ['array'] }, 'invalid'],
      ['question:ask', { id: 'c', text: '   \u200b\u3000 ' }, 'empty'],
      ['question:ask', { id: 'd', text: 'あ'.repeat(LIMITS.maxNoteChars + 1) }, 'too_long'],
      ['question:ask', { id: 'e', text: 'x'.repeat(30_000) }, 'too_long'],
      ['question:upvote', {}, 'invalid'],
      ['question:upvote', { questionId: 'q' }, 'invalid'],
      ['question:upvote', { questionId: 'q', on: 'yes' }, 'invalid'],
      ['question:upvote', { questionId: '', on: true }, 'invalid'],
      ['question:upvote', { questionId: 5, on: true }, 'invalid'],
      ['question:mine', { ids: 'a' }, 'invalid'],
      ['question:mine', { ids: Array(501).fill('a') }, 'invalid'],
    ]
    for (const [event, payload, error] of bad) expect([event, await emitAck(phone, event, payload)]).toEqual([event, { ok: false, error }])
    expect(await upvote(phone, 'no-such-question')).toEqual({ ok: false, error: 'not_found' })
    expect(readQuestions(doc)).toEqual([])
    // nothing was stored either
    withDatabase(kiosk().dataFile, (db) => {
      expect(db.prepare('SELECT count(*) AS n FROM question_ids WHERE session_id = ?').get(links.id)).toEqual({ n: 0 })
      expect(db.prepare('SELECT count(*) AS n FROM upvotes WHERE session_id = ?').get(links.id)).toEqual({ n: 0 })
    })
  })

  it('refuses bad moderation of every shape', async () => {
    const { links, fac } = await room(kiosk())
    const phone = await kiosk().phone(links.id)
    const id = await asked(phone, '編集される質問')
    for (const payload of [
      {},
      { questionId: id },
      { questionId: id, action: 'explode' },
      { questionId: id, action: 'edit' },
      { questionId: id, action: 'edit', text: 7 },
      { questionId: '', action: 'approve' },
    ]) {
      expect(await emitAck(fac, 'question:moderate', payload)).toEqual({ ok: false, error: 'invalid' })
    }
    expect(await moderate(fac, id, 'edit', { text: ' \u200b ' })).toEqual({ ok: false, error: 'empty' })
    expect(await moderate(fac, id, 'edit', { text: 'あ'.repeat(LIMITS.maxNoteChars + 1) })).toEqual({ ok: false, error: 'too_long' })
    expect(await moderate(fac, 'unknown', 'approve')).toEqual({ ok: false, error: 'not_found' })
    expect(await emitAck(fac, 'session:update', { questions: 'sometimes' })).toEqual({ ok: false, error: 'invalid' })
  })

  it('answers a phone or a wrong token that moderates with unauthorized, and changes nothing', async () => {
    const { links, doc } = await room(kiosk())
    const phone = await kiosk().phone(links.id)
    const id = await asked(phone, '消されたくない質問')
    for (const action of ['approve', 'hide', 'delete', 'answered', 'highlight', 'unhighlight', 'restore']) {
      expect(await moderate(phone, id, action)).toEqual({ ok: false, error: 'unauthorized' })
    }
    expect(await moderate(phone, id, 'edit', { text: '書き換え' })).toEqual({ ok: false, error: 'unauthorized' })
    expect(await emitAck(phone, 'session:update', { questions: 'off' })).toEqual({ ok: false, error: 'unauthorized' })
    await expect(kiosk().facilitator(links.id, 'wrong-token')).rejects.toThrow('unauthorized')
    await new Promise((r) => setTimeout(r, 100))
    expect(readQuestions(doc)).toMatchObject([{ id, text: '消されたくない質問', status: 'visible', answered: false }])
    expect(readQuestionMode(doc)).toBe('open')
    expect(readQuestionHighlight(doc)).toBeNull()
  })

  it('counts one upvote per phone, lets it be taken back, and keeps it across reconnects', async () => {
    const { links, doc } = await room(kiosk())
    const deviceId = newClientId()
    const phone = await kiosk().phone(links.id, { deviceId })
    const other = await kiosk().phone(links.id)
    const id = await asked(other, '窓口の待ち時間は')
    expect(await upvote(phone, id)).toEqual({ ok: true, votes: 1 })
    expect(await upvote(phone, id)).toEqual({ ok: true, votes: 1 })
    // the same phone in a second tab is still one phone
    const tab = await kiosk().phone(links.id, { deviceId })
    expect(await upvote(tab, id)).toEqual({ ok: true, votes: 1 })
    const both = await Promise.all([upvote(phone, id), upvote(tab, id), upvote(phone, id)])
    expect(both.map((a) => a.ok && a.votes)).toEqual([1, 1, 1])
    expect(await upvote(other, id)).toEqual({ ok: true, votes: 2 })
    await waitFor(() => expect(readQuestions(doc)[0]?.votes).toBe(2))
    phone.close()
    const back = await kiosk().phone(links.id, { deviceId })
    expect(await emitAck(back, 'question:mine', { ids: [] })).toEqual({ ok: true, questions: [], upvoted: [id] })
    expect(await upvote(back, id, false)).toEqual({ ok: true, votes: 1 })
    expect(await upvote(back, id, false)).toEqual({ ok: true, votes: 1 })
    expect(await emitAck(back, 'question:mine', { ids: [] })).toEqual({ ok: true, questions: [], upvoted: [] })
    await waitFor(() => expect(readQuestions(doc)[0]?.votes).toBe(1))
  })

  it('holds a question in moderated mode until approved; pending and unknown questions cannot be upvoted', async () => {
    const { links, fac, doc } = await room(kiosk(), 'moderated')
    const deviceId = newClientId()
    const phone = await kiosk().phone(links.id, { deviceId })
    const heard = listen(phone)
    const clientId = newClientId()
    const ack = await ask(phone, '承認を待つ質問', clientId)
    const id = (ack as Ok<{ questionId: string }>).questionId
    expect(await upvote(phone, id)).toEqual({ ok: false, error: 'not_found' })
    expect(await emitAck(phone, 'question:mine', { ids: [clientId, 'never-sent'] })).toEqual({
      ok: true,
      questions: [
        { id: clientId, questionId: id, status: 'pending', answered: false },
        { id: 'never-sent', status: 'unknown' },
      ],
      upvoted: [],
    })
    await waitFor(() => expect(readQuestions(doc)).toMatchObject([{ id, status: 'pending' }]))
    expect(heard.list()?.questions ?? []).toEqual([])
    expect(await moderate(fac, id, 'approve')).toEqual({ ok: true })
    await waitFor(() => expect(heard.list()?.questions.map((q) => q.id)).toEqual([id]))
    await waitFor(() => expect(heard.statuses.at(-1)).toEqual({ id: clientId, questionId: id, status: 'visible', answered: false }))
    expect(await upvote(phone, id)).toEqual({ ok: true, votes: 1 })
  })

  it('sends a question with a listed word to the queue even when questions are open', async () => {
    const { links, doc } = await room(kiosk())
    const phone = await kiosk().phone(links.id)
    const id = await asked(phone, 'あの課長はバカだ')
    await waitFor(() => expect(readQuestions(doc)).toMatchObject([{ id, status: 'pending' }]))
  })

  it('hides, edits, highlights, marks answered, restores and deletes, and tells the asker', async () => {
    const { links, fac, doc } = await room(kiosk())
    const deviceId = newClientId()
    const phone = await kiosk().phone(links.id, { deviceId })
    const heard = listen(phone)
    const clientId = newClientId()
    const id = (await ask(phone, '高齢者のデジタル活用をどう考えれば', clientId)) as Ok<{ questionId: string }>
    const qid = id.questionId
    expect(await moderate(fac, qid, 'highlight')).toEqual({ ok: true })
    await waitFor(() => expect(heard.list()?.highlight).toBe(qid))
    expect(await moderate(fac, qid, 'edit', { text: '高齢者のデジタル活用を\u200bどう考えるか' })).toEqual({ ok: true })
    await waitFor(() => expect(heard.statuses.at(-1)).toMatchObject({ id: clientId, status: 'visible', text: '高齢者のデジタル活用をどう考えるか' }))
    expect(await moderate(fac, qid, 'answered')).toEqual({ ok: true })
    await waitFor(() => expect(heard.list()).toMatchObject({ highlight: null, questions: [{ id: qid, answered: true, text: '高齢者のデジタル活用をどう考えるか' }] }))
    expect(readQuestionHighlight(doc)).toBeNull()
    expect(await moderate(fac, qid, 'restore')).toEqual({ ok: true })
    await waitFor(() => expect(heard.list()?.questions[0]?.answered).toBe(false))
    expect(await moderate(fac, qid, 'hide')).toEqual({ ok: true })
    await waitFor(() => expect(heard.list()?.questions).toEqual([]))
    await waitFor(() => expect(heard.statuses.at(-1)).toMatchObject({ id: clientId, status: 'hidden' }))
    expect(await moderate(fac, qid, 'highlight')).toEqual({ ok: false, error: 'not_found' })
    expect(await upvote(phone, qid)).toEqual({ ok: false, error: 'not_found' })
    expect(await moderate(fac, qid, 'approve')).toEqual({ ok: true })
    expect(await moderate(fac, qid, 'delete')).toEqual({ ok: true })
    await waitFor(() => expect(heard.statuses.at(-1)).toEqual({ id: clientId, questionId: qid, status: 'deleted' }))
    expect(await moderate(fac, qid, 'approve')).toEqual({ ok: false, error: 'not_found' })
    expect(readQuestions(doc)).toEqual([])
  })

  it('answers a resent id like the first time, even while the first is still being stored', async () => {
    const { links, doc } = await room(kiosk())
    const phone = await kiosk().phone(links.id)
    const id = newClientId()
    const [a, b] = await Promise.all([ask(phone, '同時に二度', id), ask(phone, '同時に二度', id)])
    const c = await ask(phone, '同時に二度', id)
    expect(a.ok).toBe(true)
    expect(b).toEqual(a)
    expect(c).toEqual(a)
    await waitFor(() => expect(readQuestions(doc)).toHaveLength(1))
  })

  it("never gives a board key a pending or hidden question's text", async () => {
    const { links, fac } = await room(kiosk(), 'moderated')
    const phone = await kiosk().phone(links.id)
    const board = await kiosk().board(links, 'key')
    const waiting = await asked(phone, '承認待ちの秘密の質問')
    const later = await asked(phone, 'いずれ隠される質問')
    const shown = await asked(phone, '見える質問')
    await moderate(fac, later, 'approve')
    await moderate(fac, shown, 'approve')
    await waitFor(() => expect(readQuestions(board.doc).map((q) => q.id).sort()).toEqual([later, shown].sort()))
    await moderate(fac, later, 'hide')
    await moderate(fac, shown, 'highlight')
    await waitFor(() => expect(readQuestions(board.doc).map((q) => q.id)).toEqual([shown]))
    await waitFor(() => expect(readQuestionHighlight(board.doc)).toBe(shown))
    const bytes = bytesOf(board.doc)
    expect(bytes).not.toContain('承認待ちの秘密の質問')
    expect(bytes).not.toContain('いずれ隠される質問')
    expect(bytes).not.toContain(waiting)
    expect(bytes).not.toContain('pending')
    expect(bytes).not.toContain('hidden')
    // what a question on the board carries: nothing but what the screen shows
    const entry = board.doc.getMap('questions').get(shown) as Y.Map<unknown>
    expect([...entry.keys()].sort()).toEqual(['answered', 'createdAt', 'text', 'votes'])
    // a board that connects later gets the same projection
    const late = await kiosk().board(links, 'key')
    expect(bytesOf(late.doc)).not.toContain('承認待ちの秘密の質問')
    expect(readQuestions(late.doc).map((q) => q.id)).toEqual([shown])
  })

  it('never sends a phone the text of a pending or hidden question', async () => {
    const { links, fac } = await room(kiosk(), 'moderated')
    const listener = await kiosk().phone(links.id)
    const heard = listen(listener)
    const asker = await kiosk().phone(links.id)
    const waiting = await asked(asker, '承認されない質問')
    const toHide = await asked(asker, '一度見えて隠される')
    await moderate(fac, toHide, 'approve')
    await waitFor(() => expect(heard.list()?.questions.map((q) => q.id)).toEqual([toHide]))
    await moderate(fac, toHide, 'hide')
    await waitFor(() => expect(heard.list()?.questions).toEqual([]))
    const fresh = await kiosk().phone(links.id)
    const freshHeard = listen(fresh)
    await waitFor(() => expect(freshHeard.list()).toBeDefined())
    expect(freshHeard.raw.join('')).not.toContain('一度見えて隠される')
    expect(heard.raw.join('')).not.toContain('承認されない質問')
    expect(heard.raw.join('')).not.toContain(waiting)
  })

  it('sends the list to phones as a few broadcasts, not a message per upvote', async () => {
    const { links } = await room(kiosk())
    const asker = await kiosk().phone(links.id)
    const ids = [await asked(asker, '一つ目'), await asked(asker, '二つ目')]
    const listener = await kiosk().phone(links.id)
    const heard = listen(listener)
    await waitFor(() => expect(heard.list()?.questions).toHaveLength(2))
    const before = heard.raw.length
    const voters = await Promise.all(Array.from({ length: 30 }, () => kiosk().phone(links.id)))
    // one after another, as a room's taps arrive over a second or two, not all in one instant
    for (const v of voters) for (const id of ids) await upvote(v, id)
    await waitFor(() => expect(heard.list()?.questions.map((q) => q.votes)).toEqual([30, 30]))
    // 60 upvotes over a second or more: a message a second at most, each with the counts only
    expect(heard.raw.length - before).toBeLessThanOrEqual(6)
    // counts only, apart from at most the list the asking itself was still due to send
    expect(heard.raw.slice(before).filter((msg) => msg.includes('一つ目')).length).toBeLessThanOrEqual(1)
  })
})

describe('questions: limits per phone and per address', () => {
  it('does not let fresh device ids from one address stuff upvotes', async () => {
    const kiosk = await kioskForTest({ loopbackExempt: false, limits: { maxConnectionsPerAddress: 1_000 } as never })
    const { links } = await room(kiosk)
    const asker = await kiosk.phone(links.id, { localAddress: '127.0.0.3' })
    const id = await asked(asker, '水増しされたくない質問')
    const acks: VoteAck[] = []
    for (let i = 0; i < 60; i += 15) {
      acks.push(
        ...(await Promise.all(
          Array.from({ length: 15 }, async (_, j) => {
            const p = await kiosk.phone(links.id, { deviceId: `rotating-${i + j}` })
            const a = await upvote(p, id)
            p.close()
            return a
          }),
        )),
      )
    }
    expect(acks.filter((a) => a.ok)).toHaveLength(LIMITS.maxPhonesPerAddress)
    expect(acks.filter((a) => !a.ok && a.error === 'rate_limited')).toHaveLength(60 - LIMITS.maxPhonesPerAddress)
    // another address is not held back
    const elsewhere = await kiosk.phone(links.id, { deviceId: 'other-room', localAddress: '127.0.0.2' })
    expect(await upvote(elsewhere, id)).toEqual({ ok: true, votes: LIMITS.maxPhonesPerAddress + 1 })
  })

  it('slows a phone that floods questions or toggles its upvote in a loop', async () => {
    // no refill to speak of during the test: what is refused is the burst's end, however slow the machine
    const kiosk = await kioskForTest({ limits: { upvotesPerMinutePerPhone: 1, questionsPerMinutePerPhone: 1 } as never })
    const { links, doc } = await room(kiosk)
    const phone = await kiosk.phone(links.id, { deviceId: newClientId() })
    const acks = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(phone, `質問 ${i}`)))
    expect(acks.filter((a) => a.ok)).toHaveLength(LIMITS.questionsBurstPerPhone)
    expect(acks.filter((a) => !a.ok && a.error === 'rate_limited')).toHaveLength(10 - LIMITS.questionsBurstPerPhone)
    const id = (acks.find((a) => a.ok) as Ok<{ questionId: string }>).questionId
    const toggles: VoteAck[] = []
    for (let i = 0; i < LIMITS.upvotesBurstPerPhone + 10; i++) toggles.push(await upvote(phone, id, i % 2 === 0))
    // the burst's 30 changes go through; past it every change is refused (and taking back an upvote
    // it does not hold is no change at all, so answered without spending anything)
    expect(toggles.slice(0, LIMITS.upvotesBurstPerPhone).every((a) => a.ok)).toBe(true)
    expect(toggles.slice(LIMITS.upvotesBurstPerPhone).map((a) => (a.ok ? 'ok' : a.error))).toEqual(Array(5).fill(['rate_limited', 'ok']).flat())
    await waitFor(() => expect(readQuestions(doc).length).toBe(LIMITS.questionsBurstPerPhone))
    expect(readQuestions(doc).find((q) => q.id === id)!.votes).toBe(0)
  })

  it('refuses questions past the cap with full', async () => {
    const kiosk = await kioskForTest({ limits: { maxQuestionsPerSession: 3 } as never })
    const { links } = await room(kiosk)
    const phones = await Promise.all([1, 2, 3, 4].map(() => kiosk.phone(links.id)))
    for (const p of phones.slice(0, 3)) await asked(p, 'ある質問')
    expect(await ask(phones[3]!, '四つ目')).toEqual({ ok: false, error: 'full' })
  })
})

describe('questions are durable', () => {
  it('keeps questions, counts, who upvoted and which phone asked what across a restart', async () => {
    const dataDir = tempDir()
    let kiosk = await startKiosk({ dataDir })
    const { links, fac } = await room(kiosk)
    const deviceId = newClientId()
    const phone = await kiosk.phone(links.id, { deviceId })
    const clientId = newClientId()
    const first = (await ask(phone, '再起動しても残る質問', clientId)) as Ok<{ questionId: string }>
    await upvote(phone, first.questionId)
    await moderate(fac, first.questionId, 'highlight')
    await kiosk.close()
    kiosk = await startKiosk({ dataDir })
    try {
      const back = await kiosk.phone(links.id, { deviceId })
      const heard = listen(back)
      await waitFor(() => expect(heard.list()).toMatchObject({ mode: 'open', highlight: first.questionId, questions: [{ id: first.questionId, votes: 1 }] }))
      // counted once still, and the resend is answered from the record
      expect(await upvote(back, first.questionId)).toEqual({ ok: true, votes: 1 })
      expect(await ask(back, '再起動しても残る質問', clientId)).toEqual(first)
      expect(await emitAck(back, 'question:mine', { ids: [clientId] })).toEqual({
        ok: true,
        questions: [{ id: clientId, questionId: first.questionId, status: 'visible', answered: false }],
        upvoted: [first.questionId],
      })
      // the board of a session loaded from the database is projected with its questions
      const board = await kiosk.board(links, 'key')
      await waitFor(() => expect(readQuestions(board.doc)).toMatchObject([{ id: first.questionId, votes: 1 }]))
      expect(readQuestionHighlight(board.doc)).toBe(first.questionId)
    } finally {
      await kiosk.close()
    }
  })

  it('opens a database from before questions (schema 2) and keeps its sessions', async () => {
    const dataDir = tempDir()
    let kiosk = await startKiosk({ dataDir })
    const links = await kiosk.createSession('古い会')
    const phone = await kiosk.phone(links.id)
    await emitAck(phone, 'note:create', { id: 'old-note', text: '前からある付箋' })
    await kiosk.close()
    // as a kiosk of schema 2 left it: no question tables, version 2
    withDatabase(`${dataDir}/kurumaza.sqlite`, (db) => {
      db.exec('DROP TABLE question_ids; DROP TABLE upvotes')
      db.prepare("UPDATE settings SET value = '2' WHERE key = 'schema_version'").run()
    })
    kiosk = await startKiosk({ dataDir })
    try {
      const { doc } = await kiosk.board(links, 'token')
      await waitFor(() => expect([...doc.getMap('notes').values()].map((n) => (n as Y.Map<unknown>).get('text'))).toEqual(['前からある付箋']))
      const fac = await kiosk.facilitator(links.id)
      await emitAck(fac, 'session:update', { questions: 'open' })
      const p = await kiosk.phone(links.id)
      expect((await ask(p, '移行後の質問')).ok).toBe(true)
      withDatabase(`${dataDir}/kurumaza.sqlite`, (db) => {
        expect(db.prepare("SELECT value FROM settings WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION) })
      })
    } finally {
      await kiosk.close()
    }
  })
})

describe('questions in the record', () => {
  const kiosk = useKiosk()

  it('writes questions to JSON (hidden and pending only on request), Markdown ranked by upvotes with answered ones marked, and CSV', async () => {
    const { links, fac } = await room(kiosk(), 'moderated')
    const phones = await Promise.all([1, 2, 3].map(() => kiosk().phone(links.id)))
    const top = await asked(phones[0]!, '費用対効果をどう評価するべきか')
    const second = await asked(phones[1]!, '=SUM(A1) 高齢者のデジタル活用は')
    const waiting = await asked(phones[2]!, 'まだ承認されていない質問')
    const hidden = await asked(phones[2]!, '隠された質問')
    for (const id of [top, second, hidden]) await moderate(fac, id, 'approve')
    await moderate(fac, hidden, 'hide')
    for (const p of phones) await upvote(p, top)
    await upvote(phones[0]!, second)
    await moderate(fac, top, 'answered')
    const get = async (query: string) => {
      const res = await fetch(`${kiosk().url}/api/sessions/${links.id}/export?${query}`, { headers: { authorization: `Bearer ${kiosk().token}` } })
      expect(res.status).toBe(200)
      return res
    }
    const json = (await (await get('format=json')).json()) as { questions: unknown[]; counts: { questions: number } }
    expect(json.questions).toEqual([
      { id: top, text: '費用対効果をどう評価するべきか', votes: 3, status: 'visible', answered: true, askedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), answeredAt: expect.any(String) },
      { id: second, text: '=SUM(A1) 高齢者のデジタル活用は', votes: 1, status: 'visible', answered: false, askedAt: expect.any(String) },
    ])
    expect(json.counts.questions).toBe(4)
    const all = (await (await get('format=json&includeHidden=true')).json()) as { questions: Array<{ id: string; status: string }> }
    expect(all.questions.map((q) => [q.id, q.status])).toEqual([
      [top, 'visible'],
      [second, 'visible'],
      [waiting, 'pending'],
      [hidden, 'hidden'],
    ])
    const md = await (await get('format=md')).text()
    expect(md).toContain('## 講演者への質問')
    expect(md).toContain('- 1位：費用対効果をどう評価するべきか（賛同3） ✓ 回答済み')
    expect(md).toContain('- 2位：\\=SUM\\(A1\\) 高齢者のデジタル活用は（賛同1）')
    expect(md).not.toContain('まだ承認されていない質問')
    expect(md).toContain('（非表示・承認待ちの質問は含みません）')
    const mdAll = await (await get('format=md&includeHidden=true')).text()
    expect(mdAll).toContain('まだ承認されていない質問（賛同0） [承認待ち]')
    const csvRes = await get('format=questions.csv')
    expect(csvRes.headers.get('content-disposition')).toContain(`kurumaza-${links.id}-questions.csv`)
    const csv = Buffer.from(await csvRes.arrayBuffer()).toString('utf8')
    expect(csv.startsWith('\uFEFF"質問","賛同","回答済み","状態","質問日時","投稿日時（ISO 8601・UTC）"\r\n')).toBe(true)
    const lines = csv.slice(1).split('\r\n')
    expect(lines).toHaveLength(4) // header, two questions, and the empty string after the last CRLF
    expect(lines[1]).toMatch(/^"費用対効果をどう評価するべきか","3","回答済み","表示","/)
    // a cell a spreadsheet would run as a formula is neutralised
    expect(lines[2]).toMatch(/^"'=SUM\(A1\) 高齢者のデジタル活用は","1","","表示",/)
    const en = await (await get('format=md&lang=en')).text()
    expect(en).toContain('## Questions to the speaker')
    expect(en).toContain('No. 1: ')
  })
})

describe('questions in an imported record', () => {
  const kiosk = useKiosk()

  it('comes back with its questions, counts and answered flags, questions closed', async () => {
    const { links, fac } = await room(kiosk())
    const phone = await kiosk().phone(links.id)
    const id = await asked(phone, '持ち帰られる質問')
    await upvote(phone, id)
    await moderate(fac, id, 'answered')
    const auth = { authorization: `Bearer ${kiosk().token}` }
    const record = await (await fetch(`${kiosk().url}/api/sessions/${links.id}/export?format=json&includeHidden=true`, { headers: auth })).json()
    const res = await fetch(`${kiosk().url}/api/sessions/import`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(record) })
    expect(res.status).toBe(201)
    const copy = (await res.json()) as SessionLinks
    const { doc } = await kiosk().board(copy, 'token')
    await waitFor(() => expect(readQuestions(doc)).toMatchObject([{ id, text: '持ち帰られる質問', votes: 1, answered: true, status: 'visible' }]))
    expect(readQuestionMode(doc)).toBe('off')
    const bad = { ...record, questions: [{ id: 'x', text: 'ok', votes: -1, status: 'visible', answered: false, askedAt: new Date().toISOString() }] }
    const refused = await fetch(`${kiosk().url}/api/sessions/import`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(bad) })
    expect(refused.status).toBe(400)
  })
})

describe('questions when the database cannot be written', () => {
  it('answers unavailable and takes the question back off the board; a later resend is stored once', async () => {
    const kiosk = await kioskForTest()
    const { links, doc } = await room(kiosk)
    const phone = await kiosk.phone(links.id)
    const heal = failWrites(kiosk.dataFile, 'database or disk is full', ['question_ids'])
    const id = newClientId()
    expect(await ask(phone, '保存できない質問', id)).toEqual({ ok: false, error: 'unavailable' })
    await waitFor(() => expect(readQuestions(doc)).toEqual([]))
    heal()
    const again = await ask(phone, '保存できない質問', id)
    expect(again.ok).toBe(true)
    await waitFor(() => expect(readQuestions(doc).map((q) => q.text)).toEqual(['保存できない質問']))
  })
})

describe('deleting a session', () => {
  const kiosk = useKiosk()

  it('deletes who asked and who upvoted with it', async () => {
    const { links } = await room(kiosk())
    const phone = await kiosk().phone(links.id, { deviceId: newClientId() })
    await upvote(phone, await asked(phone, '消える会の質問'))
    const count = (table: string) => withDatabase(kiosk().dataFile, (db) => (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE session_id = ?`).get(links.id) as { n: number }).n)
    expect([count('question_ids'), count('upvotes')]).toEqual([1, 1])
    const res = await fetch(`${kiosk().url}/api/sessions/${links.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${kiosk().token}` } })
    expect(res.status).toBeLessThan(300)
    expect([count('question_ids'), count('upvotes')]).toEqual([0, 0])
  })
})
