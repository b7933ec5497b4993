import type * as Y from 'yjs'
import { currentActivity, groupPath, notesMap, readAgenda, readGroups, readHistory, readMeta, readNote, readPrompts, readVotes } from '../../shared/board-doc.ts'
import type { ActivityKind, ModerationMode, Note, NoteStatus, Phase, VoteSettings } from '../../shared/board.ts'
import { byVotes, type QuestionMode, type QuestionStatus } from '../../shared/questions.ts'
import { readQuestionMode, readQuestions } from '../../shared/questions-doc.ts'
import type { WordCounter } from '../board/surveys.ts'
import { surveyRecords, type AnswerRow, type RecordSurvey } from './surveys.ts'

export const RECORD_VERSION = 1

/**
 * The session record: everything the secretariat keeps, in one shape that the JSON export is,
 * that the Markdown and CSV exports are written from, and that an import reads back.
 * Documented in docs/RECORD.md. It never carries a device id, address or user agent.
 */
export interface SessionRecord {
  version: typeof RECORD_VERSION
  exportedAt: string
  session: {
    id: string
    title: string
    createdAt: string
    closed: boolean
    settings: { locked: boolean; moderation: ModerationMode; faceDown: boolean; showAllPrompts: boolean }
    currentPromptId: string
    /** the current prompt's text, for readers that know only one */
    prompt: string
  }
  prompts: Array<{ id: string; text: string; order: number; createdAt: string }>
  groups: Array<{ id: string; name: string; parentId: string | null; path: string[]; createdAt: string; order?: number }>
  notes: Array<{
    id: string
    text: string
    status: NoteStatus
    createdAt: string
    promptId: string
    groupId: string | null
    votes: number
    order?: number
    editedAt?: string
  }>
  vote: (Omit<VoteSettings, 'id'> & { id: string }) | null
  /** questions to the speaker, most upvoted first; pending and hidden ones only with includeHidden */
  questions: Array<{
    id: string
    text: string
    votes: number
    status: QuestionStatus
    answered: boolean
    askedAt: string
    answeredAt?: string
    editedAt?: string
  }>
  /** how questions were taken when the record was made */
  questionMode: QuestionMode
  phases: Array<{ phase: Phase; at: string }>
  counts: { notes: number; visible: number; pending: number; hidden: number; groups: number; votes: number; phones: number; questions: number; upvotes: number }
  includesHidden: boolean
  /** (always written; absent in records from before v2) surveys and polls, each round's results (contract "Surveys and polls (v2)"); never who answered */
  surveys?: RecordSurvey[]
  /** the agenda in order: `ref` is the prompt's or survey's id */
  agenda?: Array<{ id: string; kind: ActivityKind; title: string; ref: string }>
  currentActivityId?: string
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Notes read per event-loop turn when a record is built in turns. */
export const RECORD_CHUNK = 500

type RecordOptions = {
  includeHidden: boolean
  phones: number
  fallbackCreatedAt?: number
  now?: number
  /** a survey round's stored answers (none: the counts the document holds are used) */
  answersOf?: (surveyId: string, round: number) => AnswerRow[]
  countWords?: WordCounter
}

/**
 * The record, built as a generator that pauses after each chunk of notes, so that one driver can
 * run it at once (`buildRecord`) and another over several event-loop turns (`buildRecordInTurns`)
 * with exactly the same result.
 */
function* recordSteps(id: string, doc: Y.Doc, opts: RecordOptions): Generator<void, SessionRecord> {
  const meta = readMeta(doc)
  const votes = readVotes(doc)
  const all: Note[] = []
  let read = 0
  for (const [noteId, entry] of notesMap(doc).entries()) {
    const note = readNote(noteId, entry)
    if (note) all.push(note)
    if (++read % RECORD_CHUNK === 0) yield
  }
  all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  // read after the notes, so that a group made while they were read is there for its notes
  const groups = readGroups(doc)
  const allQuestions = readQuestions(doc).sort(byVotes)
  const counts = { notes: all.length, visible: 0, pending: 0, hidden: 0, groups: groups.length, votes: 0, phones: opts.phones, questions: allQuestions.length, upvotes: 0 }
  for (const q of allQuestions) counts.upvotes += q.votes
  for (const n of all) counts[n.status]++
  for (const v of votes.values()) counts.votes += v
  const notes: SessionRecord['notes'] = []
  for (const n of all) {
    if (!opts.includeHidden && n.status !== 'visible') continue
    notes.push({
      id: n.id,
      text: n.text,
      status: n.status,
      createdAt: iso(n.createdAt),
      promptId: n.promptId,
      groupId: n.groupId,
      votes: votes.get(n.id) ?? 0,
      ...(n.order !== undefined ? { order: n.order } : {}),
      ...(n.editedAt !== undefined ? { editedAt: iso(n.editedAt) } : {}),
    })
    if (notes.length % RECORD_CHUNK === 0) yield
  }
  return {
    version: RECORD_VERSION,
    exportedAt: iso(opts.now ?? Date.now()),
    session: {
      id,
      title: meta.title,
      createdAt: iso(meta.createdAt || opts.fallbackCreatedAt || 0),
      closed: meta.closed,
      settings: { locked: meta.locked, moderation: meta.moderation, faceDown: meta.faceDown, showAllPrompts: meta.showAllPrompts },
      currentPromptId: meta.currentPromptId,
      prompt: meta.prompt,
    },
    prompts: readPrompts(doc).map((p) => ({ id: p.id, text: p.text, order: p.order, createdAt: iso(p.createdAt) })),
    groups: groups.map((g) => ({
      id: g.id,
      name: g.name,
      parentId: g.parentId,
      path: groupPath(groups, g.id),
      createdAt: iso(g.createdAt),
      ...(g.order !== undefined ? { order: g.order } : {}),
    })),
    notes,
    vote: meta.vote,
    questions: allQuestions
      .filter((q) => opts.includeHidden || q.status === 'visible')
      .map((q) => ({
        id: q.id,
        text: q.text,
        votes: q.votes,
        status: q.status,
        answered: q.answered,
        askedAt: iso(q.createdAt),
        ...(q.answeredAt !== undefined ? { answeredAt: iso(q.answeredAt) } : {}),
        ...(q.editedAt !== undefined ? { editedAt: iso(q.editedAt) } : {}),
      })),
    questionMode: readQuestionMode(doc),
    phases: readHistory(doc).map((h) => ({ phase: h.phase, at: iso(h.at) })),
    counts,
    includesHidden: opts.includeHidden,
    surveys: surveyRecords(doc, opts.answersOf ?? (() => []), opts.countWords ?? (() => [])),
    agenda: readAgenda(doc).map((a) => ({ id: a.id, kind: a.kind, title: a.title, ref: a.ref })),
    currentActivityId: currentActivity(doc)?.id ?? '',
  }
}

export function buildRecord(id: string, doc: Y.Doc, opts: RecordOptions): SessionRecord {
  const steps = recordSteps(id, doc, opts)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/**
 * The same record, yielding to the event loop after each chunk of notes: a session at the note
 * cap is exported while phones go on being answered. Notes that arrive meanwhile may or may not
 * be in it, as with an export a moment earlier or later; its counts are always those of its notes.
 */
export async function buildRecordInTurns(id: string, doc: Y.Doc, opts: RecordOptions): Promise<SessionRecord> {
  const steps = recordSteps(id, doc, opts)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
