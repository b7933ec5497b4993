import { fail, type Ack } from '../../shared/errors.ts'
import { newNoteId } from '../../shared/ids.ts'
import { checkLine } from '../../shared/text.ts'
import { currentActivity, promptsMap, readAgenda, readResults, readSurvey, readSurveys } from '../../shared/board-doc.ts'
import type { ClientToServerEvents, SurveyForPhone } from '../../shared/protocol.ts'
import {
  agendaAddSchema,
  agendaMoveSchema,
  agendaRefSchema,
  surveyAnswerSchema,
  surveyCreateSchema,
  surveyEditSchema,
  surveyOpenSchema,
  surveyRefSchema,
  surveyRevealSchema,
  surveyWordsSchema,
} from '../../shared/schemas.ts'
import { cloudWord, type WordEditRequest } from '../../shared/word-edits.ts'
import { editCloudWords } from '../board/cloud-words.ts'
import { addQuestionsActivity, moveActivity, removeActivity, restoreActivity, setCurrentActivity } from '../board/agenda.ts'
import { addPrompt } from '../board/rules.ts'
import {
  checkAnswers,
  checkSurvey,
  closeSurveyRound,
  createSurvey,
  deleteSurvey,
  editSurvey,
  emptyResult,
  openSurveyRound,
  revealSurveyRound,
  setRoundResults,
  type AnswerValue,
} from '../board/surveys.ts'
import type { Kiosk } from '../context.ts'
import type { Change, LiveSession } from '../sessions/session.ts'
import { parseAnswers } from '../sessions/survey-results.ts'
import { rows } from '../store/rows.ts'
import { handler, onFacilitator, phonesRoom, type KioskServer, type KioskSocket } from './socket.ts'

/**
 * Surveys, polls and the agenda. Phones answer (`survey:answer`); everything else is the
 * facilitator's. An answer is a row in the store (one per phone per round, replaced when the
 * phone answers again), stored before it is acknowledged; the round's counts follow in the
 * document at most once per interval (sessions/survey-results.ts). A phone's identity (its
 * device id or connection) is the row's key and goes nowhere else.
 */

/** One respondent's answers stored; the document does not change (its counts follow later). */
const storeAnswer = (sessionId: string, surveyId: string, round: number, phoneKey: string, answers: AnswerValue[], now = Date.now()): Change<void> => ({
  apply: () => undefined,
  rows: () => [rows.surveyAnswer(sessionId, surveyId, round, phoneKey, JSON.stringify(answers), now)],
})

/** Whether a survey has answers (stored ones, or counts brought in with an imported record). */
function hasAnswers(kiosk: Kiosk, session: LiveSession, surveyId: string): boolean {
  if (kiosk.records.surveyAnswered(session.id, surveyId) > 0) return true
  const survey = readSurvey(session.doc, surveyId)
  return survey?.rounds.some((r) => (readResults(session.doc, surveyId, r.round)?.responses ?? 0) > 0) === true
}

/** What phones are told of the current activity's survey; null when the current activity is not one. */
export function surveyForPhones(session: LiveSession): SurveyForPhone | null {
  const activity = currentActivity(session.doc)
  if (activity?.kind !== 'survey') return null
  const survey = readSurvey(session.doc, activity.ref)
  if (!survey) return null
  const last = survey.rounds.at(-1)
  return {
    activityId: activity.id,
    surveyId: survey.id,
    title: survey.title,
    questions: survey.questions,
    round: last ? { round: last.round, label: last.label, open: last.open } : null,
  }
}

/** The same for one phone on connect, with its own answers to the round when it has given some. */
function surveyForPhone(kiosk: Kiosk, session: LiveSession, phoneKey: string): SurveyForPhone | null {
  const base = surveyForPhones(session)
  if (!base?.round) return base
  const mine = kiosk.records.myAnswer(session.id, base.surveyId, base.round.round, phoneKey)
  return mine ? { ...base, mine: parseAnswers(mine) } : base
}

export function greetWithSurvey(kiosk: Kiosk, session: LiveSession, socket: KioskSocket): void {
  if (socket.data.role === 'phone') socket.emit('survey:current', surveyForPhone(kiosk, session, socket.data.phoneKey))
}

export function registerSurveyHandlers(socket: KioskSocket, session: LiveSession, kiosk: Kiosk): void {
  const { limits } = kiosk.config
  const doc = session.doc
  const change = <T>(apply: () => T) => session.commit({ apply })
  const facilitator = (event: keyof ClientToServerEvents, fn: (payload: unknown) => Ack<object> | Promise<Ack<object>>) => onFacilitator(socket, kiosk, event, fn)

  socket.on(
    'survey:answer',
    handler(kiosk, (payload) => {
      const parsed = surveyAnswerSchema.safeParse(payload)
      if (!parsed.success) return fail('invalid')
      const { surveyId, round, sheetId } = parsed.data
      const paper = socket.data.role === 'facilitator'
      if (sheetId !== undefined && !paper) return fail('invalid')
      const survey = readSurvey(doc, surveyId)
      const info = survey?.rounds.find((r) => r.round === round)
      if (!survey || !info) return fail('not_found')
      // A paper sheet may be typed in after its round has closed; a phone answers an open round.
      if (!info.open && !paper) return fail('closed')
      const checked = checkAnswers(survey.questions, parsed.data.answers, limits.maxNoteChars)
      if (!checked.ok) return checked
      // Each paper sheet is its own respondent.
      const phoneKey = paper ? `p:${sheetId ?? newNoteId()}` : socket.data.phoneKey
      if (!paper) {
        if (!kiosk.answersPerPhone.take(phoneKey)) return fail('rate_limited')
        // Fresh device ids from one address do not make fresh respondents without end.
        const spend = { kind: 'survey', session: session.id, scope: `${surveyId}:${round}`, address: socket.data.address, phoneKey, adds: true } as const
        if (!kiosk.allowance.take(spend)) return fail('rate_limited')
      }
      // One phone's answers are stored one after another, each checked against the round as it is then.
      return session.queue(`survey:${phoneKey}`, async () => {
        const now = readSurvey(doc, surveyId)?.rounds.find((r) => r.round === round)
        if (!now) return fail('not_found')
        if (!now.open && !paper) return fail('closed')
        await session.commit(storeAnswer(session.id, surveyId, round, phoneKey, checked.answers))
        kiosk.surveyResults.touch(session, surveyId, round)
        return { ok: true as const }
      })
    }),
  )

  facilitator('survey:create', (payload) => {
    const parsed = surveyCreateSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const checked = checkSurvey(parsed.data, limits)
    if (!checked.ok) return checked
    if (readSurveys(doc).length >= limits.maxSurveys || readAgenda(doc).length >= limits.maxAgendaItems) return fail('full')
    const surveyId = newNoteId()
    return change(() => createSurvey(doc, surveyId, checked, Date.now())).then(() => ({ ok: true, surveyId }))
  })

  facilitator('survey:edit', (payload) => {
    const parsed = surveyEditSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const checked = checkSurvey(parsed.data, limits)
    if (!checked.ok) return checked
    const survey = readSurvey(doc, parsed.data.surveyId)
    if (!survey) return fail('not_found')
    if (hasAnswers(kiosk, session, survey.id)) return fail('has_answers')
    return change(() => {
      editSurvey(doc, survey.id, checked)
      // Rounds opened without answers keep counts in the new questions' shape.
      for (const r of survey.rounds) setRoundResults(doc, survey.id, r.round, { responses: 0, results: checked.questions.map(emptyResult) })
    }).then(() => ({ ok: true }))
  })

  facilitator('survey:delete', (payload) => {
    const parsed = surveyRefSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const { surveyId } = parsed.data
    if (!readSurvey(doc, surveyId)) return fail('not_found')
    if (hasAnswers(kiosk, session, surveyId)) return fail('has_answers')
    return change(() => deleteSurvey(doc, surveyId)).then(() => ({ ok: true }))
  })

  facilitator('survey:open', (payload) => {
    const parsed = surveyOpenSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const label = checkLine(parsed.data.label, limits.maxRoundLabelChars, true)
    if (!label.ok) return label
    const survey = readSurvey(doc, parsed.data.surveyId)
    if (!survey) return fail('not_found')
    if (survey.rounds.length >= limits.maxRoundsPerSurvey) return fail('full')
    return change(() => openSurveyRound(doc, survey.id, label.text, parsed.data.live === true, Date.now())).then((round) =>
      round === undefined ? fail('not_found') : { ok: true, round },
    )
  })

  facilitator('survey:close', (payload) => {
    const parsed = surveyRefSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const { surveyId } = parsed.data
    const open = readSurvey(doc, surveyId)?.rounds.find((r) => r.open)
    return change(() => closeSurveyRound(doc, surveyId, Date.now())).then(async (done) => {
      if (!done) return fail('not_found')
      // The closed round's counts (and words) are final on the board at once, not an interval later.
      if (open) kiosk.surveyResults.touch(session, surveyId, open.round)
      await kiosk.surveyResults.flush(session.id, true)
      return { ok: true }
    })
  })

  facilitator('survey:reveal', (payload) => {
    const parsed = surveyRevealSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const { surveyId, round, shown } = parsed.data
    return change(() => revealSurveyRound(doc, surveyId, round, shown)).then((done) => (done ? { ok: true } : fail('not_found')))
  })

  facilitator('survey:words', (payload) => {
    const parsed = surveyWordsSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const p = parsed.data
    const word = cloudWord(p.word, limits.maxCloudWordChars)
    if (!word.ok) return word
    let req: WordEditRequest = { action: p.action as 'hide' | 'unhide' | 'unmerge', word: word.text }
    if ('into' in p) {
      const into = cloudWord(p.into, limits.maxCloudWordChars)
      if (!into.ok) return into
      req = { action: 'merge', word: word.text, into: into.text }
    }
    // Read, checked and written in one transaction: two clicks at once each see the other's result.
    return session.commit({ apply: () => editCloudWords(doc, p.surveyId, p.question, req, limits, kiosk.countWords) })
  })

  facilitator('agenda:add', (payload) => {
    const parsed = agendaAddSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const p = parsed.data
    const agenda = readAgenda(doc)
    if (agenda.length >= limits.maxAgendaItems) return fail('full')
    if (p.kind === 'notes') {
      const text = checkLine(p.text, limits.maxPromptChars, false)
      if (!text.ok) return text
      if (promptsMap(doc).size >= limits.maxPrompts) return fail('full')
      const promptId = newNoteId()
      return change(() => addPrompt(doc, promptId, text.text, Date.now(), false)).then(() => ({ ok: true, activityId: `notes:${promptId}` }))
    }
    if (p.kind === 'survey') {
      if (!readSurvey(doc, p.surveyId)) return fail('not_found')
      const activityId = `survey:${p.surveyId}`
      if (agenda.some((a) => a.id === activityId)) return { ok: true, activityId }
      return change(() => restoreActivity(doc, activityId)).then(() => ({ ok: true, activityId }))
    }
    const title = checkLine(p.title ?? '', limits.maxTitleChars, true)
    if (!title.ok) return title
    return change(() => addQuestionsActivity(doc, newNoteId(), title.text)).then((activityId) => ({ ok: true, activityId }))
  })

  facilitator('agenda:move', (payload) => {
    const parsed = agendaMoveSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    return change(() => moveActivity(doc, parsed.data.activityId, parsed.data.index)).then((done) => (done ? { ok: true } : fail('not_found')))
  })

  facilitator('agenda:remove', (payload) => {
    const parsed = agendaRefSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    return change(() => removeActivity(doc, parsed.data.activityId)).then((done) => (done ? { ok: true } : fail('not_found')))
  })

  facilitator('agenda:current', (payload) => {
    const parsed = agendaRefSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    return change(() => setCurrentActivity(doc, parsed.data.activityId)).then((a) => (a ? { ok: true } : fail('not_found')))
  })
}

/**
 * Phones get the current activity's survey when it changes (a new current activity, a round
 * opened or closed, the survey edited), as one broadcast: never once per answer.
 */
export function attachSurveys(io: KioskServer, kiosk: Kiosk): () => void {
  const last = new Map<string, string>()
  const send = (session: LiveSession) => {
    const survey = surveyForPhones(session)
    const signature = JSON.stringify(survey)
    if (last.get(session.id) === signature) return
    last.set(session.id, signature)
    io.to(phonesRoom(session.id)).emit('survey:current', survey)
  }
  const offState = kiosk.sessions.events.state.on((id) => {
    const session = kiosk.sessions.get(id)
    if (session) send(session)
  })
  const offSurveys = kiosk.sessions.events.surveys.on(send)
  const offLoaded = kiosk.sessions.events.loaded.on((s) => last.set(s.id, JSON.stringify(surveyForPhones(s))))
  const gone = (id: string) => {
    last.delete(id)
    kiosk.surveyResults.forget(id)
  }
  const offGone = kiosk.sessions.events.unloaded.on(gone)
  const offDeleted = kiosk.sessions.events.deleted.on(gone)
  return () => {
    offState()
    offSurveys()
    offLoaded()
    offGone()
    offDeleted()
  }
}
