import type { ClientToServerEvents } from '../../shared/protocol.ts'
import { fail, type Ack } from '../../shared/errors.ts'
import { newNoteId } from '../../shared/ids.ts'
import { checkLine, checkNoteText } from '../../shared/text.ts'
import { promptsMap, readMeta, readSurvey } from '../../shared/board-doc.ts'
import {
  addPrompt,
  closeVote,
  editNote,
  moderateNote,
  openVote,
  setCurrentPrompt,
  setCurrentPromptText,
  setPhase,
  setBoardPage,
  setSurveyPage,
  setSpotlight,
  updateMeta,
} from '../board/rules.ts'
import { setQuestionSettings } from '../board/questions.ts'
import type { Kiosk } from '../context.ts'
import type { LiveSession } from '../sessions/session.ts'
import {
  noteEditSchema,
  noteModerateSchema,
  promptAddSchema,
  sessionUpdateSchema,
  timerStartSchema,
  voteOpenSchema,
  wordsSetSchema,
  emptySchema,
} from '../../shared/schemas.ts'
import { onFacilitator, type KioskSocket } from './socket.ts'

/**
 * Facilitator events: parse, authorise (the connection's token), apply, ack. Every one answers
 * `unauthorized` to anyone else and changes nothing.
 */
export function registerFacilitatorHandlers(socket: KioskSocket, session: LiveSession, kiosk: Kiosk): void {
  const { limits } = kiosk.config
  const doc = session.doc
  /** Apply a board rule through the session's one write path; answers once it is stored. */
  const change = <T>(apply: () => T) => session.commit({ apply })

  /** Facilitator events: registered on a facilitator's socket only (a phone is answered `unauthorized`). */
  const on = (event: keyof ClientToServerEvents, fn: (payload: unknown) => Ack<object> | Promise<Ack<object>>) => onFacilitator(socket, kiosk, event, fn)

  on('session:update', (payload) => {
    const parsed = sessionUpdateSchema.safeParse(payload)
    if (!parsed.success || Object.keys(parsed.data).length === 0) return fail('invalid')
    const p = parsed.data
    let title: string | undefined
    let prompt: string | undefined
    if (p.title !== undefined) {
      const t = checkLine(p.title, limits.maxTitleChars, false)
      if (!t.ok) return fail(t.error)
      title = t.text
    }
    if (p.prompt !== undefined) {
      const t = checkLine(p.prompt, limits.maxPromptChars, true)
      if (!t.ok) return fail(t.error)
      prompt = t.text
    }
    if (p.currentPromptId !== undefined && !promptsMap(doc).has(p.currentPromptId)) return fail('not_found')
    if (p.spotlight && !spotlightExists(p.spotlight)) return fail('not_found')
    if (p.boardPage?.kind === 'group' && !doc.getMap('groups').has(p.boardPage.id)) return fail('not_found')
    if (p.surveyPage) {
      // A held question must be one the survey has: the board would otherwise show nothing.
      const survey = readSurvey(doc, p.surveyPage.surveyId)
      if (!survey) return fail('not_found')
      if (p.surveyPage.index >= survey.questions.length) return fail('invalid')
    }
    // Everything is checked: apply all of it in one transaction.
    return change(() => {
      // Reveal is one action: the reveal phase turns the cards face up, unless told otherwise.
      const faceDown = p.faceDown ?? (p.phase === 'reveal' ? false : undefined)
      updateMeta(doc, { title, locked: p.locked, moderation: p.moderation, faceDown, showAllPrompts: p.showAllPrompts, lang: p.lang, showJoin: p.showJoin })
      if (p.currentPromptId !== undefined) setCurrentPrompt(doc, p.currentPromptId)
      if (prompt !== undefined) setCurrentPromptText(doc, prompt)
      if (p.phase !== undefined) setPhase(doc, p.phase, Date.now())
      if (p.spotlight !== undefined) setSpotlight(doc, p.spotlight)
      if (p.boardPage !== undefined) setBoardPage(doc, p.boardPage)
      if (p.surveyPage !== undefined) setSurveyPage(doc, p.surveyPage)
      setQuestionSettings(doc, { mode: p.questions, onBoard: p.questionsOnBoard })
    }).then(() => ({ ok: true }))
  })

  const spotlightExists = (s: { kind: 'note' | 'group'; id: string }) =>
    s.kind === 'note' ? doc.getMap('notes').has(s.id) : doc.getMap('groups').has(s.id)

  on('note:moderate', (payload) => {
    const parsed = noteModerateSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const { noteId, action } = parsed.data
    return change(() => moderateNote(doc, noteId, action)).then((done) => (done ? { ok: true } : fail('not_found')))
  })

  on('note:edit', (payload) => {
    const parsed = noteEditSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const text = checkNoteText(parsed.data.text, limits.maxNoteChars)
    if (!text.ok) return fail(text.error)
    const { noteId } = parsed.data
    return change(() => editNote(doc, noteId, text.text, Date.now())).then((done) => (done ? { ok: true } : fail('not_found')))
  })

  on('prompt:add', (payload) => {
    const parsed = promptAddSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const text = checkLine(parsed.data.text, limits.maxPromptChars, false)
    if (!text.ok) return fail(text.error)
    if (promptsMap(doc).size >= limits.maxPrompts) return fail('too_long')
    const promptId = newNoteId()
    return change(() => addPrompt(doc, promptId, text.text, Date.now(), parsed.data.makeCurrent === true)).then(() => ({ ok: true, promptId }))
  })

  on('vote:open', (payload) => {
    const parsed = voteOpenSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const { perPhone, maxPerNote, showLive = false } = parsed.data
    if (perPhone > limits.maxVotesPerPhone || maxPerNote > perPhone) return fail('invalid')
    // The ballot covers what the board shows (or the prompts the facilitator picked).
    const meta = readMeta(doc)
    const shown = meta.showAllPrompts || !promptsMap(doc).has(meta.currentPromptId) ? undefined : [meta.currentPromptId]
    const promptIds = parsed.data.promptIds ?? shown
    if (promptIds?.some((id) => !promptsMap(doc).has(id))) return fail('not_found')
    const voteId = newNoteId()
    return change(() => openVote(doc, { id: voteId, open: true, perPhone, maxPerNote, showLive, ...(promptIds ? { promptIds: [...new Set(promptIds)] } : {}) })).then(() => ({ ok: true, voteId }))
  })

  on('vote:close', (payload) => {
    if (!emptySchema.safeParse(payload ?? {}).success) return fail('invalid')
    return change(() => closeVote(doc)).then((done) => (done ? { ok: true } : fail('no_vote')))
  })

  on('timer:start', (payload) => {
    const parsed = timerStartSchema.safeParse(payload)
    if (!parsed.success || parsed.data.seconds > limits.maxTimerSeconds) return fail('invalid')
    return kiosk.timers.start(session, parsed.data.seconds, parsed.data.lockOnEnd === true).then(() => ({ ok: true }))
  })

  on('timer:stop', (payload) => {
    if (!emptySchema.safeParse(payload ?? {}).success) return fail('invalid')
    if (!readMeta(doc).timer) return { ok: true }
    return kiosk.timers.stop(session).then(() => ({ ok: true }))
  })

  on('words:get', () => ({ ok: true, words: kiosk.words.list() }))

  on('words:set', (payload) => {
    const parsed = wordsSetSchema.safeParse(payload)
    if (!parsed.success) return fail('invalid')
    const words = [...new Set(parsed.data.words.map((w) => checkLine(w, limits.maxWordChars, true)).flatMap((w) => (w.ok && w.text ? [w.text] : [])))]
    if (words.length > limits.maxWords) return fail('too_long')
    kiosk.words.set(words)
    return kiosk.records.saveSetting('moderation_words', JSON.stringify(words)).then(() => ({ ok: true, words }))
  })
}
