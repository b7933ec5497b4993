import * as Y from 'yjs'
import { metaMap, readMeta } from '../../shared/board-doc.ts'
import { QUESTION_META, type QuestionAction, type QuestionMode, type QuestionStatus } from '../../shared/questions.ts'
import { questionsMap, readQuestionHighlight, readQuestionMode } from '../../shared/questions-doc.ts'
import { SERVER_ORIGIN } from './rules.ts'

/**
 * The rules of questions to the speaker, as plain functions over a session's Y.Doc (like
 * board/rules.ts): transports call them through `LiveSession.commit`.
 */
const tx = (doc: Y.Doc, fn: () => void) => doc.transact(fn, SERVER_ORIGIN)

export type AskVerdict = { ok: true; status: QuestionStatus } | { ok: false; error: 'closed' | 'full' }

/** Whether a phone may ask now, and in which status its question arrives (a listed word sends it to the queue). */
export function admitQuestion(doc: Y.Doc, flagged: boolean, maxQuestions: number): AskVerdict {
  const mode = readQuestionMode(doc)
  if (mode === 'off' || readMeta(doc).closed) return { ok: false, error: 'closed' }
  if (questionsMap(doc).size >= maxQuestions) return { ok: false, error: 'full' }
  return { ok: true, status: mode === 'moderated' || flagged ? 'pending' : 'visible' }
}

export function addQuestion(doc: Y.Doc, id: string, text: string, createdAt: number, status: QuestionStatus): void {
  tx(doc, () => {
    const q = new Y.Map<unknown>()
    q.set('text', text)
    q.set('createdAt', createdAt)
    q.set('status', status)
    q.set('answered', false)
    q.set('votes', 0)
    questionsMap(doc).set(id, q)
  })
}

/** The status of a question, or undefined when there is none by that id. */
export function questionStatus(doc: Y.Doc, id: string): QuestionStatus | undefined {
  const q = questionsMap(doc).get(id)
  if (!(q instanceof Y.Map)) return undefined
  const s = q.get('status')
  return s === 'visible' || s === 'pending' || s === 'hidden' ? s : undefined
}

/** Whether phones may upvote now: questions are on and the session is open. */
export function upvotesOpen(doc: Y.Doc): boolean {
  return readQuestionMode(doc) !== 'off' && !readMeta(doc).closed
}

/** Add `delta` upvotes to a question's count (the caller checked the phone's own upvote); the new count. */
export function addUpvotes(doc: Y.Doc, id: string, delta: 1 | -1): number {
  const q = questionsMap(doc).get(id)
  if (!(q instanceof Y.Map)) return 0
  const before = q.get('votes')
  const next = Math.max(0, (typeof before === 'number' ? before : 0) + delta)
  tx(doc, () => q.set('votes', next))
  return next
}

export type ModerateResult = 'done' | 'not_found'

/**
 * Apply a facilitator's action. `highlight` needs a visible question (the board must be able to
 * show it); the others need one that exists. Hiding, deleting or answering the highlighted
 * question takes it off the screen too.
 */
export function moderateQuestion(doc: Y.Doc, id: string, action: QuestionAction, text: string | undefined, now: number): ModerateResult {
  const q = questionsMap(doc).get(id)
  if (!(q instanceof Y.Map)) return 'not_found'
  if (action === 'highlight' && q.get('status') !== 'visible') return 'not_found'
  const meta = metaMap(doc)
  const unhighlight = () => {
    if (readQuestionHighlight(doc) === id) meta.set(QUESTION_META.highlight, null)
  }
  const set = (key: string, value: unknown) => {
    if (q.get(key) !== value) q.set(key, value)
  }
  tx(doc, () => {
    switch (action) {
      case 'approve':
        set('status', 'visible')
        break
      case 'hide':
        set('status', 'hidden')
        unhighlight()
        break
      case 'delete':
        unhighlight()
        questionsMap(doc).delete(id)
        break
      case 'answered':
        if (q.get('answered') !== true) {
          q.set('answered', true)
          q.set('answeredAt', now)
        }
        unhighlight()
        break
      case 'restore':
        set('answered', false)
        if (q.has('answeredAt')) q.delete('answeredAt')
        break
      case 'highlight':
        if (readQuestionHighlight(doc) !== id) meta.set(QUESTION_META.highlight, id)
        break
      case 'unhighlight':
        unhighlight()
        break
      case 'edit':
        if (text !== undefined && q.get('text') !== text) {
          q.set('text', text)
          q.set('editedAt', now)
        }
        break
    }
  })
  return 'done'
}

/** The questions' mode and whether the board shows them; a mode other than off leaves the highlight be. */
export function setQuestionSettings(doc: Y.Doc, changes: { mode?: QuestionMode; onBoard?: boolean }): void {
  tx(doc, () => {
    const m = metaMap(doc)
    if (changes.mode !== undefined && m.get(QUESTION_META.mode) !== changes.mode) m.set(QUESTION_META.mode, changes.mode)
    if (changes.onBoard !== undefined && m.get(QUESTION_META.onBoard) !== changes.onBoard) m.set(QUESTION_META.onBoard, changes.onBoard)
  })
}
