import * as Y from 'yjs'
import { DOC_KEYS } from '../../shared/board.ts'
import { forBoard } from '../../shared/survey.ts'
import { agendaMap, currentActivity, groupsMap, metaMap, notesMap, promptsMap, readMeta, readSurvey, resultsKey, surveyResultsMap, surveysMap, surveyTurnoutMap, votesMap } from '../../shared/board-doc.ts'
import { SERVER_ORIGIN } from './rules.ts'
import { QUESTION_META, QUESTIONS_KEY } from '../../shared/questions.ts'
import { questionsMap, readQuestionHighlight } from '../../shared/questions-doc.ts'

/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs' own types for nested maps */
/**
 * The board's document is a projection of the facilitator's: what the screen shows, and nothing
 * else. Read-only connections (a board key) are served this document, so what only the
 * facilitator should see never reaches a projector's browser at all:
 * - notes: visible ones of the prompt on screen (of every prompt when all are shown), plus the
 *   spotlit one; no pending or hidden note, no note of a prompt not on screen; face-down notes
 *   carry no text; only the fields a board reads (no `editedAt`).
 * - prompts: the current one, and with every prompt shown those that have a note on the board.
 *   A prepared prompt (added, not yet current) is not there.
 * - groups: those holding a note on the board, their parents (the board heads an area
 *   "parent › child"), and the spotlit one; name, parent, order only.
 * - votes: only while the room may see counts, and only for notes on the board.
 * - meta: the keys a board reads, without `moderation`; the spotlight only if its target is here;
 *   a held survey question only for the survey on screen.
 * - the agenda: only the current activity (its entry, and for a survey the survey itself); a
 *   round's counts only once they may be shown (live, or revealed), never of another survey.
 * - questions: only visible ones, with their text, time, count and answered flag (no status, no
 *   `editedAt`); the highlighted question only when it is one of them. A pending or hidden
 *   question's text never reaches a board.
 *
 * Kept in step incrementally, so that no change holds the event loop for long at the note cap:
 * a transaction touching some notes costs those notes; a settings change costs its own keys.
 * Only a change of what is on screen for every note (face down, the current prompt, all prompts,
 * counts shown or not) walks all the notes, and it does so in chunks, yielding to the event
 * loop between them; notes changed meanwhile are projected at once, so the result is the same.
 */
type Fields = Record<string, unknown>

const NOTE_FIELDS = ['text', 'createdAt', 'status', 'promptId', 'groupId', 'order'] as const
const GROUP_FIELDS = ['name', 'parentId', 'createdAt', 'order'] as const
const PROMPT_FIELDS = ['text', 'createdAt', 'order'] as const
const SURVEY_FIELDS = ['title', 'questions', 'createdAt', 'rounds'] as const
const QUESTION_FIELDS = ['text', 'createdAt', 'votes', 'answered'] as const
const META_KEYS = new Set([QUESTION_META.mode, QUESTION_META.highlight, QUESTION_META.onBoard, 'title', 'prompt', 'createdAt', 'locked', 'phase', 'faceDown', 'currentPromptId', 'showAllPrompts', 'spotlight', 'timer', 'vote', 'closed', 'lang', 'boardPage', 'surveyPage', 'showJoin', 'activityId'])

/** Notes projected per event-loop turn when all of them must be looked at again. */
export const PROJECTION_CHUNK = 250

/** What decides, for every note at once, whether and how the board shows it. */
interface View {
  faceDown: boolean
  currentPromptId: string
  showAllPrompts: boolean
  votesVisible: boolean
  spotlight: { kind: string; id: string } | null
}

interface State {
  view: View
  /** notes on the board per prompt id and per group id, to know which prompts and groups to show */
  perPrompt: Map<string, number>
  perGroup: Map<string, number>
  /** a walk over every note, under way in chunks; bumped to abandon one and start again */
  walk: number
  walking: boolean
  /** a prompt or group got its first note on the board or lost its last: `syncAround` is due */
  shapeChanged: boolean
}

const states = new WeakMap<Y.Doc, State>()

function readView(full: Y.Doc): View {
  const meta = readMeta(full)
  return {
    faceDown: meta.faceDown,
    currentPromptId: meta.currentPromptId,
    showAllPrompts: meta.showAllPrompts,
    votesVisible: meta.vote !== null && (meta.vote.showLive || !meta.vote.open),
    spotlight: meta.spotlight,
  }
}

const sameView = (a: View, b: View) =>
  a.faceDown === b.faceDown && a.currentPromptId === b.currentPromptId && a.showAllPrompts === b.showAllPrompts && a.votesVisible === b.votesVisible

function stateOf(full: Y.Doc, board: Y.Doc): State {
  let s = states.get(board)
  if (!s) {
    s = { view: readView(full), perPrompt: new Map(), perGroup: new Map(), walk: 0, walking: false, shapeChanged: false }
    states.set(board, s)
  }
  return s
}

/** The same test the board's screen applies (client/src/board/Board.svelte), plus the spotlight. */
function onScreen(view: View, id: string, promptId: unknown): boolean {
  if (view.showAllPrompts || !promptId || !view.currentPromptId || promptId === view.currentPromptId) return true
  return view.spotlight?.kind === 'note' && view.spotlight.id === id
}

function publicNote(view: View, id: string, entry: unknown): Fields | undefined {
  if (!(entry instanceof Y.Map) || entry.get('status') !== 'visible' || !onScreen(view, id, entry.get('promptId'))) return undefined
  const out: Fields = {}
  for (const k of NOTE_FIELDS) if (entry.get(k) !== undefined) out[k] = entry.get(k)
  if (view.faceDown) {
    out.text = ''
    out.faceDown = true
  }
  return out
}

function pick(entry: unknown, keys: readonly string[]): Fields | undefined {
  if (!(entry instanceof Y.Map)) return undefined
  const out: Fields = {}
  for (const k of keys) if (entry.get(k) !== undefined) out[k] = entry.get(k)
  return out
}

const same = (a: unknown, b: unknown) => a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b))

/** Make `target[key]` a Y.Map with exactly `fields`, touching only what differs. */
function syncEntry(target: Y.Map<Y.Map<unknown>>, key: string, fields: Fields | undefined): void {
  if (!fields) {
    if (target.has(key)) target.delete(key)
    return
  }
  let entry = target.get(key)
  if (!(entry instanceof Y.Map)) {
    entry = new Y.Map<unknown>()
    for (const [k, v] of Object.entries(fields)) entry.set(k, v)
    target.set(key, entry)
    return
  }
  for (const [k, v] of Object.entries(fields)) if (!same(entry.get(k), v)) entry.set(k, v)
  for (const k of [...entry.keys()]) if (!(k in fields)) entry.delete(k)
}

/** Count a note in or out; true when the key appeared or went (what the board shows around notes changes). */
const bump = (counts: Map<string, number>, key: unknown, by: number): boolean => {
  if (typeof key !== 'string' || key === '') return false
  const before = counts.get(key) ?? 0
  const n = before + by
  if (n > 0) counts.set(key, n)
  else counts.delete(key)
  return (before > 0) !== (n > 0)
}

/** Project one note (and its dots), keeping the per-prompt and per-group counts right. */
function syncNote(full: Y.Doc, board: Y.Doc, s: State, id: string): void {
  const target = notesMap(board)
  const before = target.get(id)
  let shape = false
  if (before instanceof Y.Map) {
    shape = bump(s.perPrompt, before.get('promptId'), -1) || shape
    shape = bump(s.perGroup, before.get('groupId'), -1) || shape
  }
  const fields = publicNote(s.view, id, notesMap(full).get(id))
  syncEntry(target, id, fields)
  if (fields) {
    shape = bump(s.perPrompt, fields.promptId, 1) || shape
    shape = bump(s.perGroup, fields.groupId, 1) || shape
  }
  if (shape) s.shapeChanged = true
  syncVote(full, board, s, id)
}

function syncVote(full: Y.Doc, board: Y.Doc, s: State, id: string): void {
  const to = votesMap(board)
  const v = s.view.votesVisible && notesMap(board).has(id) ? votesMap(full).get(id) : undefined
  if (v === undefined) {
    if (to.has(id)) to.delete(id)
  } else if (to.get(id) !== v) to.set(id, v)
}

/** Groups holding a note on the board, their parents, and the spotlit group. */
function syncGroups(full: Y.Doc, board: Y.Doc, s: State): void {
  const source = groupsMap(full)
  const shown = new Set<string>()
  const climb = (id: unknown) => {
    while (typeof id === 'string' && !shown.has(id) && source.get(id) instanceof Y.Map) {
      shown.add(id)
      id = source.get(id)!.get('parentId')
    }
  }
  for (const id of s.perGroup.keys()) climb(id)
  if (s.view.spotlight?.kind === 'group') climb(s.view.spotlight.id)
  const target = groupsMap(board)
  for (const key of [...target.keys()]) if (!shown.has(key)) target.delete(key)
  for (const id of shown) syncEntry(target, id, pick(source.get(id), GROUP_FIELDS))
}

/** The current prompt, and with every prompt shown, those with a note on the board. */
function syncPrompts(full: Y.Doc, board: Y.Doc, s: State): void {
  const source = promptsMap(full)
  const shown = new Set<string>([s.view.currentPromptId])
  if (s.view.showAllPrompts) for (const id of s.perPrompt.keys()) shown.add(id)
  const target = promptsMap(board)
  for (const key of [...target.keys()]) if (!shown.has(key) || !source.has(key)) target.delete(key)
  for (const id of shown) if (source.has(id)) syncEntry(target, id, pick(source.get(id), PROMPT_FIELDS))
}

/** One question: on the board only while visible, and only its public fields. */
function syncQuestion(full: Y.Doc, board: Y.Doc, id: string): void {
  const entry = questionsMap(full).get(id)
  const visible = entry instanceof Y.Map && entry.get('status') === 'visible'
  syncEntry(questionsMap(board), id, visible ? pick(entry, QUESTION_FIELDS) : undefined)
}

function syncAllQuestions(full: Y.Doc, board: Y.Doc): void {
  for (const id of new Set([...questionsMap(full).keys(), ...questionsMap(board).keys()])) syncQuestion(full, board, id)
  syncMetaKey(full, board, QUESTION_META.highlight)
}

function syncMetaKey(full: Y.Doc, board: Y.Doc, key: string): void {
  const from = metaMap(full)
  const to = metaMap(board)
  let v = META_KEYS.has(key) ? from.get(key) : undefined
  // The highlighted question names a question: only one the board holds.
  if (key === QUESTION_META.highlight && v !== undefined && v !== null) {
    const id = readQuestionHighlight(full)
    v = id !== null && questionsMap(board).has(id) ? id : null
  }
  if (key === 'spotlight' && v !== undefined && v !== null) {
    const spot = readMeta(full).spotlight
    const here = spot && (spot.kind === 'note' ? notesMap(board).has(spot.id) : groupsMap(board).has(spot.id))
    v = here ? v : null
  }
  // A held group's page names a group: only one the board shows.
  if (key === 'boardPage' && v !== undefined && v !== null) {
    const page = readMeta(full).boardPage
    v = page && (page.kind !== 'group' || groupsMap(board).has(page.id)) ? v : null
  }
  // A held survey question names a survey: only the one on screen (others never reach a board).
  if (key === 'surveyPage' && v !== undefined && v !== null) {
    const page = readMeta(full).surveyPage
    const current = currentActivity(full)
    v = page && current?.kind === 'survey' && current.ref === page.surveyId ? v : null
  }
  if (v === undefined) {
    if (to.has(key)) to.delete(key)
  } else if (!same(to.get(key), v)) to.set(key, v)
}

function syncAllMeta(full: Y.Doc, board: Y.Doc): void {
  for (const key of [...metaMap(board).keys()]) if (!metaMap(full).has(key) || !META_KEYS.has(key)) metaMap(board).delete(key)
  for (const key of metaMap(full).keys()) syncMetaKey(full, board, key)
}

/** Everything that depends on which notes are on the board: groups, prompts, the spotlight. */
function syncAround(full: Y.Doc, board: Y.Doc, s: State): void {
  s.shapeChanged = false
  syncGroups(full, board, s)
  syncPrompts(full, board, s)
  syncMetaKey(full, board, 'spotlight')
  syncMetaKey(full, board, 'boardPage')
}

/**
 * The current activity on the board: its agenda entry, and when it is a survey the survey and the
 * counts of its rounds that may be shown. Small (one survey), so it is done whole on each change.
 */
function syncActivity(full: Y.Doc, board: Y.Doc): void {
  const current = currentActivity(full)
  const agenda = agendaMap(board)
  for (const key of [...agenda.keys()]) if (key !== current?.id) agenda.delete(key)
  const entry = current ? agendaMap(full).get(current.id) : undefined
  if (current && entry !== undefined && !same(agenda.get(current.id), entry)) agenda.set(current.id, entry)
  const survey = current?.kind === 'survey' ? readSurvey(full, current.ref) : undefined
  const surveys = surveysMap(board)
  for (const key of [...surveys.keys()]) if (key !== survey?.id) surveys.delete(key)
  if (survey) syncEntry(surveys, survey.id, pick(surveysMap(full).get(survey.id), SURVEY_FIELDS))
  syncMetaKey(full, board, 'surveyPage')
  const shown = new Set((survey?.rounds ?? []).filter((r) => r.shown).map((r) => resultsKey(survey!.id, r.round)))
  const results = surveyResultsMap(board)
  for (const key of [...results.keys()]) if (!shown.has(key)) results.delete(key)
  for (const key of shown) {
    const v = surveyResultsMap(full).get(key)
    const onBoard = v === undefined ? undefined : forBoard(v)
    if (onBoard === undefined) results.delete(key)
    else if (!same(results.get(key), onBoard)) results.set(key, onBoard)
  }
  // A hidden round's turnout only: the room sees answers arrive without seeing what they say.
  const turnout = surveyTurnoutMap(board)
  const hidden = new Map<string, number>()
  for (const r of survey?.rounds ?? []) {
    const key = resultsKey(survey!.id, r.round)
    const responses = surveyResultsMap(full).get(key)?.responses
    if (!r.shown && typeof responses === 'number') hidden.set(key, responses)
  }
  for (const key of [...turnout.keys()]) if (!hidden.has(key)) turnout.delete(key)
  for (const [key, n] of hidden) if (turnout.get(key) !== n) turnout.set(key, n)
}

/** Every note id of either document: what a walk over all notes must look at. */
const allNoteIds = (full: Y.Doc, board: Y.Doc) => new Set([...notesMap(full).keys(), ...notesMap(board).keys()])

/** Bring the whole board document in line with the facilitator's, at once (a board no one watches yet). */
export function projectAll(full: Y.Doc, board: Y.Doc): void {
  const s = stateOf(full, board)
  s.walk++
  s.walking = false
  s.view = readView(full)
  board.transact(() => {
    for (const id of allNoteIds(full, board)) syncNote(full, board, s, id)
    for (const key of [...votesMap(board).keys()]) if (!notesMap(board).has(key)) votesMap(board).delete(key)
    syncAllQuestions(full, board)
    syncAllMeta(full, board)
    syncAround(full, board, s)
    syncActivity(full, board)
  }, SERVER_ORIGIN)
}

/**
 * Start a board's projection of a document just loaded: settings, prompts and groups at once, the
 * notes `PROJECTION_CHUNK` per event-loop turn, so loading a session at the note cap does not
 * hold the loop for the whole board. A board that connects meanwhile gets the rest as updates.
 */
export function projectInTurns(full: Y.Doc, board: Y.Doc): void {
  const s = stateOf(full, board)
  s.view = readView(full)
  board.transact(() => {
    syncAllQuestions(full, board)
    syncAllMeta(full, board)
    syncAround(full, board, s)
    syncActivity(full, board)
  }, SERVER_ORIGIN)
  walkAll(full, board, s)
}

/** Look at every note again, `PROJECTION_CHUNK` per event-loop turn. */
function walkAll(full: Y.Doc, board: Y.Doc, s: State): void {
  const walk = ++s.walk
  s.walking = true
  const ids = [...allNoteIds(full, board)]
  let next = 0
  const step = () => {
    if (s.walk !== walk || board.isDestroyed || full.isDestroyed) return
    board.transact(() => {
      for (const end = Math.min(ids.length, next + PROJECTION_CHUNK); next < end; next++) syncNote(full, board, s, ids[next]!)
      syncAround(full, board, s)
    }, SERVER_ORIGIN)
    if (next < ids.length) setImmediate(step)
    else s.walking = false
  }
  step()
}

/** True while a walk over every note is under way (for tests that wait for the board to settle). */
export function projecting(board: Y.Doc): boolean {
  return states.get(board)?.walking === true
}

/** Bring the board document in line after one transaction of the facilitator's. */
export function projectChanges(full: Y.Doc, board: Y.Doc, tr: Y.Transaction): void {
  const s = stateOf(full, board)
  const meta = metaMap(full) as Y.AbstractType<any>
  const notes = notesMap(full) as Y.AbstractType<any>
  const votes = votesMap(full) as Y.AbstractType<any>
  const groups = groupsMap(full) as Y.AbstractType<any>
  const prompts = promptsMap(full) as Y.AbstractType<any>
  const surveyTypes = new Set<Y.AbstractType<any>>([surveysMap(full), surveyResultsMap(full), agendaMap(full)] as Y.AbstractType<any>[])
  let activity = false
  const questions = questionsMap(full) as Y.AbstractType<any>
  const asked = new Set<string>()
  const touched = new Set<string>()
  const counted = new Set<string>()
  const metaKeys = new Set<string>()
  let around = false
  for (const [type, keys] of tr.changed) {
    if (type === notes) {
      for (const k of keys) if (k !== null) touched.add(k)
    } else if (type.parent === notes && type._item?.parentSub) {
      touched.add(type._item.parentSub)
    } else if (type === votes) {
      for (const k of keys) if (k !== null) counted.add(k)
    } else if (type === meta) {
      for (const k of keys) if (k !== null) metaKeys.add(k)
    } else if (type === questions) {
      for (const k of keys) if (k !== null) asked.add(k)
    } else if (type.parent === questions && type._item?.parentSub) {
      asked.add(type._item.parentSub)
    } else if (type === groups || type === prompts || type.parent === groups || type.parent === prompts) {
      around = true
    } else if (surveyTypes.has(type) || (type.parent !== null && surveyTypes.has(type.parent as Y.AbstractType<any>))) {
      activity = true
    }
  }
  if (asked.size > 0) {
    // Questions do not depend on the notes' view: they are projected on their own.
    board.transact(() => {
      for (const id of asked) syncQuestion(full, board, id)
      syncMetaKey(full, board, QUESTION_META.highlight)
    }, SERVER_ORIGIN)
  }
  // The current activity follows the agenda, the surveys, and which prompt or activity is current.
  if (metaKeys.has('activityId') || metaKeys.has('currentPromptId') || around) activity = true
  if (touched.size === 0 && counted.size === 0 && metaKeys.size === 0 && !around && !activity) return
  const before = s.view
  // the view is read from the settings alone: a transaction of notes and dots keeps it
  if (metaKeys.size > 0) s.view = readView(full)
  const everyNote = !sameView(before, s.view)
  const spotMoved = !same(before.spotlight, s.view.spotlight)
  if (spotMoved) {
    // the spotlit note may come from another prompt: it and the one before are looked at again
    for (const spot of [before.spotlight, s.view.spotlight]) if (spot?.kind === 'note') touched.add(spot.id)
  }
  board.transact(() => {
    for (const key of metaKeys) syncMetaKey(full, board, key)
    for (const id of touched) syncNote(full, board, s, id)
    for (const id of counted) if (!touched.has(id)) syncVote(full, board, s, id)
    // A note joining a prompt and a group that already show (a burst of notes) changes nothing
    // around it; a spotlit note coming or going does (the spotlight is shown only with its note).
    const spot = s.view.spotlight
    if (around || metaKeys.size > 0 || s.shapeChanged || (spot?.kind === 'note' && touched.has(spot.id))) syncAround(full, board, s)
    if (activity) syncActivity(full, board)
  }, SERVER_ORIGIN)
  if (everyNote) walkAll(full, board, s)
}

export const PROJECTED_KEYS = [DOC_KEYS.meta, DOC_KEYS.notes, DOC_KEYS.groups, DOC_KEYS.prompts, DOC_KEYS.votes, QUESTIONS_KEY, DOC_KEYS.surveys, DOC_KEYS.surveyResults, DOC_KEYS.agenda, DOC_KEYS.surveyTurnout] as const
