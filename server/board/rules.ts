import * as Y from 'yjs'
import { agendaMap, historyArray, metaMap, notesMap, promptsMap, readMeta, votesMap } from '../../shared/board-doc.ts'
import type { BoardPage, MetaFields, NoteStatus, Phase, Spotlight, SurveyPage, TimerState, VoteSettings } from '../../shared/board.ts'
import type { ModerationAction } from '../../shared/protocol.ts'
import { nextAgendaOrder } from './surveys.ts'

/**
 * The board's rules as plain functions over a session's Y.Doc. Transports call them; they know
 * nothing of sockets or storage. Each change runs in one Yjs transaction, so observers and the
 * update log see it as one step, tagged with SERVER_ORIGIN.
 */
export const SERVER_ORIGIN = 'kurumaza-server'

const tx = (doc: Y.Doc, fn: () => void) => doc.transact(fn, SERVER_ORIGIN)

export function initBoard(doc: Y.Doc, meta: Pick<MetaFields, 'title' | 'prompt' | 'createdAt'>, promptId: string): void {
  tx(doc, () => {
    const m = metaMap(doc)
    m.set('title', meta.title)
    m.set('prompt', meta.prompt)
    m.set('createdAt', meta.createdAt)
    m.set('locked', false)
    m.set('moderation', 'post')
    m.set('phase', 'collect')
    m.set('faceDown', false)
    m.set('showAllPrompts', false)
    m.set('spotlight', null)
    m.set('boardPage', null)
    m.set('showJoin', false)
    m.set('timer', null)
    m.set('vote', null)
    m.set('closed', false)
    m.set('lang', null)
    m.set('currentPromptId', promptId)
    setPromptEntry(doc, promptId, meta.prompt, meta.createdAt, 0)
    historyArray(doc).push([{ phase: 'collect', at: meta.createdAt }])
  })
}

function setPromptEntry(doc: Y.Doc, id: string, text: string, createdAt: number, order: number): void {
  const p = new Y.Map<unknown>()
  p.set('text', text)
  p.set('createdAt', createdAt)
  p.set('order', order)
  promptsMap(doc).set(id, p)
}

export type PostVerdict = { ok: true; status: NoteStatus } | { ok: false; error: 'locked' | 'full' }

/** Whether a phone may post now, and in which status its note arrives. */
/**
 * Whether a map holds at least `n` entries. `Y.Map.size` walks every key (it skips deleted
 * ones), which cost each note a walk over the whole board; the map's own key table also keeps
 * deleted keys, so it is an upper bound that settles nearly every call at once.
 */
function noteCountReaches<T>(notes: Y.Map<T>, n: number): boolean {
  const keys = (notes as unknown as { _map: Map<string, unknown> })._map.size
  return keys >= n && notes.size >= n
}

export function admitNote(doc: Y.Doc, flagged = false, trusted = false, maxNotes = Infinity): PostVerdict {
  const meta = readMeta(doc)
  if (meta.closed || (meta.locked && !trusted)) return { ok: false, error: 'locked' }
  // every note counts, pending and hidden too: they cost the server the same
  if (noteCountReaches(notesMap(doc), maxNotes)) return { ok: false, error: 'full' }
  return { ok: true, status: !trusted && (meta.moderation === 'pre' || flagged) ? 'pending' : 'visible' }
}

export function addNote(doc: Y.Doc, noteId: string, text: string, createdAt: number, status: NoteStatus): void {
  tx(doc, () => {
    const note = new Y.Map<unknown>()
    note.set('text', text)
    note.set('createdAt', createdAt)
    note.set('status', status)
    note.set('promptId', readMeta(doc).currentPromptId)
    note.set('groupId', null)
    notesMap(doc).set(noteId, note)
  })
}

export function removeNotes(doc: Y.Doc, noteIds: readonly string[]): void {
  tx(doc, () => {
    for (const id of noteIds) notesMap(doc).delete(id)
  })
}

const STATUS_AFTER: Record<Exclude<ModerationAction, 'delete'>, NoteStatus> = {
  approve: 'visible',
  show: 'visible',
  hide: 'hidden',
}

/** Apply a facilitator's moderation; false when the note does not exist. */
export function moderateNote(doc: Y.Doc, noteId: string, action: ModerationAction): boolean {
  const note = notesMap(doc).get(noteId)
  if (!(note instanceof Y.Map)) return false
  tx(doc, () => {
    if (action === 'delete') {
      notesMap(doc).delete(noteId)
      votesMap(doc).delete(noteId)
      const spot = readMeta(doc).spotlight
      if (spot?.kind === 'note' && spot.id === noteId) metaMap(doc).set('spotlight', null)
    } else if (note.get('status') !== STATUS_AFTER[action]) note.set('status', STATUS_AFTER[action])
  })
  return true
}

export function editNote(doc: Y.Doc, noteId: string, text: string, now: number): boolean {
  const note = notesMap(doc).get(noteId)
  if (!(note instanceof Y.Map)) return false
  if (note.get('text') === text) return true
  tx(doc, () => {
    note.set('text', text)
    note.set('editedAt', now)
  })
  return true
}

export function updateMeta(doc: Y.Doc, changes: Partial<Pick<MetaFields, 'title' | 'locked' | 'moderation' | 'faceDown' | 'showAllPrompts' | 'lang' | 'showJoin'>>): void {
  tx(doc, () => {
    const m = metaMap(doc)
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined && m.get(key) !== value) m.set(key, value)
    }
  })
}

/** Change the current prompt's text (phones and board follow). */
export function setCurrentPromptText(doc: Y.Doc, text: string): void {
  tx(doc, () => {
    const m = metaMap(doc)
    const id = readMeta(doc).currentPromptId
    const entry = promptsMap(doc).get(id)
    if (entry instanceof Y.Map) entry.set('text', text)
    if (m.get('prompt') !== text) m.set('prompt', text)
  })
}

export function addPrompt(doc: Y.Doc, id: string, text: string, now: number, makeCurrent: boolean): void {
  tx(doc, () => {
    setPromptEntry(doc, id, text, now, promptsMap(doc).size)
    // A new prompt goes at the end of the agenda (after any surveys there).
    agendaMap(doc).set(`notes:${id}`, { order: nextAgendaOrder(doc) })
    if (makeCurrent) setCurrentPromptIn(doc, id)
  })
}

function setCurrentPromptIn(doc: Y.Doc, id: string): void {
  const entry = promptsMap(doc).get(id)
  const m = metaMap(doc)
  m.set('currentPromptId', id)
  m.set('prompt', entry instanceof Y.Map ? String(entry.get('text') ?? '') : '')
  // The room moves to this prompt's note round (the agenda's current activity follows).
  m.set('activityId', `notes:${id}`)
}

/** Make a prompt the current one; false when there is no such prompt. */
export function setCurrentPrompt(doc: Y.Doc, id: string): boolean {
  if (!(promptsMap(doc).get(id) instanceof Y.Map)) return false
  if (readMeta(doc).currentPromptId !== id) tx(doc, () => setCurrentPromptIn(doc, id))
  return true
}

/** Move to a phase (any order, any number of times); the record keeps every change. */
export function setPhase(doc: Y.Doc, phase: Phase, now: number): void {
  if (readMeta(doc).phase === phase) return
  tx(doc, () => {
    metaMap(doc).set('phase', phase)
    historyArray(doc).push([{ phase, at: now }])
  })
}

/** Show one note or group large on the board, or nothing; false when it does not exist. */
export function setSpotlight(doc: Y.Doc, spotlight: Spotlight | null): boolean {
  if (spotlight) {
    const target = spotlight.kind === 'note' ? notesMap(doc).get(spotlight.id) : doc.getMap('groups').get(spotlight.id)
    if (!(target instanceof Y.Map)) return false
  }
  tx(doc, () => metaMap(doc).set('spotlight', spotlight))
  return true
}

/**
 * Hold one page of the wall on the projector (or the page where a group starts), or let the
 * pages turn by themselves (null); false when the group does not exist. The board knows how
 * many pages it has (it depends on its screen), so a page index is counted round them.
 */
export function setBoardPage(doc: Y.Doc, page: BoardPage | null): boolean {
  if (page?.kind === 'group' && !(doc.getMap('groups').get(page.id) instanceof Y.Map)) return false
  tx(doc, () => metaMap(doc).set('boardPage', page))
  return true
}

/**
 * Hold one question of a survey on the projector, or let the questions turn by themselves (null).
 * The caller has checked that the survey exists and has that question: unlike the wall's pages,
 * a survey's questions are known here.
 */
export function setSurveyPage(doc: Y.Doc, page: SurveyPage | null): void {
  tx(doc, () => metaMap(doc).set('surveyPage', page))
}

export function setTimer(doc: Y.Doc, timer: TimerState | null): void {
  tx(doc, () => metaMap(doc).set('timer', timer))
}

/** Open a new vote: counts start from zero. */
export function openVote(doc: Y.Doc, vote: VoteSettings): void {
  tx(doc, () => {
    const votes = votesMap(doc)
    for (const key of [...votes.keys()]) votes.delete(key)
    metaMap(doc).set('vote', vote)
  })
}

/** Close the open vote; its counts stay for the board and the record. */
export function closeVote(doc: Y.Doc): boolean {
  const vote = readMeta(doc).vote
  if (!vote?.open) return false
  tx(doc, () => metaMap(doc).set('vote', { ...vote, open: false }))
  return true
}

/** Add `delta` dots to a note's count (the server checks budgets before). */
export function addDots(doc: Y.Doc, noteId: string, delta: number): void {
  tx(doc, () => {
    const votes = votesMap(doc)
    const next = (votes.get(noteId) ?? 0) + delta
    if (next > 0) votes.set(noteId, next)
    else votes.delete(noteId)
  })
}

/** The status of one note, or undefined when it was deleted or never existed. */
export function noteStatus(doc: Y.Doc, noteId: string): NoteStatus | undefined {
  const note = notesMap(doc).get(noteId)
  if (!(note instanceof Y.Map)) return undefined
  const s = note.get('status')
  return s === 'visible' || s === 'pending' || s === 'hidden' ? s : undefined
}

/** Close a session: read-only for phones, kept as a record; `reopen` undoes it. */
export function setClosed(doc: Y.Doc, closed: boolean): void {
  tx(doc, () => {
    const m = metaMap(doc)
    m.set('closed', closed)
    m.set('locked', closed)
    const vote = readMeta(doc).vote
    if (closed && vote?.open) m.set('vote', { ...vote, open: false })
    if (closed) m.set('timer', null)
  })
}
