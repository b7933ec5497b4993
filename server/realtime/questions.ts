import { fail, type Ack } from '../../shared/errors.ts'
import { newNoteId } from '../../shared/ids.ts'
import type { MyQuestion } from '../../shared/protocol.ts'
import { questionsMap, readQuestion } from '../../shared/questions-doc.ts'
import { checkNoteText } from '../../shared/text.ts'
import { questionAskSchema, questionMineSchema, questionModerateSchema, questionUpvoteSchema } from '../../shared/schemas.ts'
import { addQuestion, addUpvotes, admitQuestion, moderateQuestion, questionStatus, upvotesOpen } from '../board/questions.ts'
import type { Kiosk } from '../context.ts'
import { questionBook } from '../sessions/question-book.ts'
import type { Change, LiveSession } from '../sessions/session.ts'
import { rows } from '../store/rows.ts'
import { handler, onFacilitator, type KioskSocket } from './socket.ts'

/**
 * Questions to the speaker: every handler parses, authorises, applies through the session's one
 * write path (`commit`: rule, then the rows stored with it), and answers once it is stored.
 */
interface NewQuestion {
  sessionId: string
  clientId: string
  text: string
  deviceId: string | null
  flagged: boolean
  maxQuestions: number
}

/** A question into the document, with its idempotency record in the same transaction. */
const askQuestion = (q: NewQuestion, now = Date.now()): Change<Ack<{ questionId: string }>> => ({
  apply(doc) {
    const verdict = admitQuestion(doc, q.flagged, q.maxQuestions)
    if (!verdict.ok) return fail(verdict.error)
    const questionId = newNoteId()
    addQuestion(doc, questionId, q.text, now, verdict.status)
    return { ok: true, questionId }
  },
  rows: (ack) => (ack.ok ? [rows.questionId(q.sessionId, q.clientId, ack.questionId, q.deviceId, now)] : []),
})

/** One phone's upvote given or taken back: the count in the document and the phone's row together. */
const upvote = (sessionId: string, questionId: string, phoneKey: string, on: boolean): Change<number> => ({
  apply: (doc) => addUpvotes(doc, questionId, on ? 1 : -1),
  rows: () => [rows.upvote(sessionId, questionId, phoneKey, on)],
})

/** What a phone is told of one of its questions. */
export function myQuestion(session: LiveSession, clientId: string, questionId: string | undefined): MyQuestion {
  if (!questionId) return { id: clientId, status: 'unknown' }
  const q = readQuestion(questionId, questionsMap(session.doc).get(questionId))
  if (!q) return { id: clientId, questionId, status: 'deleted' }
  return { id: clientId, questionId, status: q.status, answered: q.answered, ...(q.editedAt !== undefined ? { text: q.text } : {}) }
}

export function registerQuestionHandlers(socket: KioskSocket, session: LiveSession, kiosk: Kiosk): void {
  const { limits } = kiosk.config
  const book = () => questionBook(kiosk.records, session)

  socket.on(
    'question:ask',
    handler(kiosk, (payload) => {
      const parsed = questionAskSchema.safeParse(payload)
      if (!parsed.success) return fail('invalid')
      const text = checkNoteText(parsed.data.text, limits.maxNoteChars)
      if (!text.ok) return fail(text.error)
      const clientId = parsed.data.id
      // A resend still in flight joins the first; one already stored is answered from the record.
      return session.once(`question:${clientId}`, async () => {
        const known = book().questionOf(clientId)
        if (known) return { ok: true as const, questionId: known }
        if (socket.data.role === 'phone') {
          if (!kiosk.questionsPerPhone.take(socket.data.phoneKey)) return fail('rate_limited')
          if (!kiosk.exempt(socket.data.address) && !kiosk.questionsPerAddress.take(socket.data.address)) return fail('rate_limited')
        }
        const { deviceId } = socket.data
        const ack = await session.commit(
          askQuestion({ sessionId: session.id, clientId, text: text.text, deviceId, flagged: kiosk.words.flags(text.text), maxQuestions: limits.maxQuestionsPerSession }),
        )
        if (ack.ok) book().asked(clientId, ack.questionId, deviceId)
        return ack
      })
    }),
  )

  socket.on(
    'question:upvote',
    handler(kiosk, (payload) => {
      const parsed = questionUpvoteSchema.safeParse(payload)
      if (!parsed.success) return fail('invalid')
      const { questionId, on } = parsed.data
      const { phoneKey } = socket.data
      // One phone's upvotes run one after another, each against the stored state of the one before.
      return session.queue(`upvote:${phoneKey}`, async () => {
        if (!upvotesOpen(session.doc)) return fail('closed')
        if (questionStatus(session.doc, questionId) !== 'visible') return fail('not_found')
        const current = () => readQuestion(questionId, questionsMap(session.doc).get(questionId))?.votes ?? 0
        // Counted once: a repeat (or taking back what was never given) changes nothing.
        if (book().hasUpvoted(questionId, phoneKey) === on) return { ok: true as const, votes: current() }
        if (socket.data.role === 'phone') {
          if (!kiosk.upvotesPerPhone.take(phoneKey)) return fail('rate_limited')
          // Fresh device ids from one address do not make fresh voters.
          const spend = { kind: 'upvote', session: session.id, scope: 'questions', address: socket.data.address, phoneKey, adds: on } as const
          if (!kiosk.allowance.take(spend)) return fail('rate_limited')
        }
        const votes = await session.commit(upvote(session.id, questionId, phoneKey, on))
        book().upvoted(questionId, phoneKey, on)
        return { ok: true as const, votes }
      })
    }),
  )

  socket.on(
    'question:mine',
    handler(kiosk, (payload) => {
      const parsed = questionMineSchema.safeParse(payload)
      if (!parsed.success) return fail('invalid')
      const b = book()
      const questions = parsed.data.ids.map((id) => myQuestion(session, id, b.questionOf(id)))
      const upvoted = b.upvotedBy(socket.data.phoneKey).filter((id) => questionStatus(session.doc, id) === 'visible')
      return { ok: true as const, questions, upvoted }
    }),
  )

  onFacilitator(socket, kiosk, 'question:moderate', async (payload) => {
    const parsed = questionModerateSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const p = parsed.data
    let text: string | undefined
    if (p.action === 'edit') {
      const checked = checkNoteText(p.text, limits.maxNoteChars)
      if (!checked.ok) return fail(checked.error)
      text = checked.text
    }
    const result = await session.commit({
      apply: (doc) => moderateQuestion(doc, p.questionId, p.action, text, Date.now()),
      rows: (r) => (r === 'done' && p.action === 'delete' ? [rows.dropUpvotes(session.id, p.questionId)] : []),
    })
    if (result === 'not_found') return fail('not_found')
    if (p.action === 'delete') book().forget(p.questionId)
    return { ok: true as const }
  })
}
