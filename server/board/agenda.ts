import type * as Y from 'yjs'
import { agendaMap, currentActivity, metaMap, promptsMap, readAgenda } from '../../shared/board-doc.ts'
import type { Activity } from '../../shared/board.ts'
import { readQuestionMode } from '../../shared/questions-doc.ts'
import { setQuestionSettings } from './questions.ts'
import { SERVER_ORIGIN, setCurrentPrompt } from './rules.ts'
import { nextAgendaOrder } from './surveys.ts'

/**
 * The agenda as plain functions over a session's Y.Doc. Prompts and surveys are activities by
 * themselves (see shared/board-doc.ts readAgenda); the `agenda` map holds their places once the
 * facilitator has moved or removed one, and the questions activities.
 */
const tx = (doc: Y.Doc, fn: () => void) => doc.transact(fn, SERVER_ORIGIN)

/** A questions activity (the questions mode itself is its own feature); returns its id. */
export function addQuestionsActivity(doc: Y.Doc, id: string, title: string): string {
  const activityId = `questions:${id}`
  tx(doc, () => agendaMap(doc).set(activityId, { order: nextAgendaOrder(doc), title }))
  return activityId
}

/** Put a prompt or survey taken off the agenda back on it, at the end. */
export function restoreActivity(doc: Y.Doc, activityId: string): void {
  tx(doc, () => agendaMap(doc).set(activityId, { order: nextAgendaOrder(doc) }))
}

/** Move an activity to `index` (0 first): every activity's place is written, so the order holds from now on. */
export function moveActivity(doc: Y.Doc, activityId: string, index: number): boolean {
  const agenda = readAgenda(doc)
  const from = agenda.findIndex((a) => a.id === activityId)
  if (from < 0) return false
  const [moved] = agenda.splice(from, 1)
  agenda.splice(Math.min(index, agenda.length), 0, moved!)
  tx(doc, () => {
    const map = agendaMap(doc)
    agenda.forEach((a, i) => {
      const e = map.get(a.id)
      if (e?.order !== i) map.set(a.id, { ...(e ?? {}), order: i })
    })
  })
  return true
}

/** Take an activity off the agenda; its prompt's notes or survey's answers stay for the record. */
export function removeActivity(doc: Y.Doc, activityId: string): boolean {
  const activity = readAgenda(doc).find((a) => a.id === activityId)
  if (!activity) return false
  tx(doc, () => {
    if (activity.kind === 'questions') agendaMap(doc).delete(activityId)
    else agendaMap(doc).set(activityId, { order: activity.order, removed: true })
    if (metaMap(doc).get('activityId') === activityId) metaMap(doc).set('activityId', '')
  })
  return true
}

/**
 * Make an activity the one on every screen. A note round's prompt becomes the current prompt; a
 * questions activity opens questions (unless they are already open or moderated) and puts them
 * on the board, and leaving it takes them off the board (the mode stays as the facilitator set it).
 * Moving to another activity lets go of a held survey question.
 */
export function setCurrentActivity(doc: Y.Doc, activityId: string): Activity | undefined {
  const agenda = readAgenda(doc)
  const activity = agenda.find((a) => a.id === activityId)
  if (!activity) return undefined
  const before = currentActivity(doc, agenda)
  tx(doc, () => {
    if (activity.kind === 'notes' && promptsMap(doc).has(activity.ref)) setCurrentPrompt(doc, activity.ref)
    if (activity.kind === 'questions') setQuestionSettings(doc, { mode: readQuestionMode(doc) === 'off' ? 'open' : undefined, onBoard: true })
    else if (before?.kind === 'questions') setQuestionSettings(doc, { onBoard: false })
    // A survey question held on the projector belongs to that showing of the survey: the next
    // activity (or the same survey shown again later) starts turning from its first question.
    if (before?.id !== activity.id && metaMap(doc).get('surveyPage')) metaMap(doc).set('surveyPage', null)
    metaMap(doc).set('activityId', activityId)
  })
  return activity
}

export { currentActivity }
