import * as Y from 'yjs'
import { z } from 'zod'
import { agendaMap, groupsMap, historyArray, metaMap, notesMap, promptsMap, resultsKey, surveyResultsMap, surveysMap, votesMap, wordEditsKey } from '../../shared/board-doc.ts'
import type { WordEdits } from '../../shared/survey.ts'
import { cloudWord, editWords, hasEdits, noEdits, type WordEditRequest } from '../../shared/word-edits.ts'
import { ACTIVITY_KINDS, MODERATION_MODES, NOTE_STATUSES, PHASES, type QuestionResult, type SurveyQuestion, type SurveyRoundInfo } from '../../shared/board.ts'
import { surveyQuestionSchema } from '../../shared/schemas.ts'
import { checkSurvey } from '../board/surveys.ts'
import type { Limits } from '../../shared/limits.ts'
import { checkLine, checkNoteText } from '../../shared/text.ts'
import { SERVER_ORIGIN } from '../board/rules.ts'
import { QUESTION_STATUSES } from '../../shared/questions.ts'
import { questionsMap } from '../../shared/questions-doc.ts'
import { RECORD_VERSION } from './record.ts'
import { runInTurns } from './in-turns.ts'

/**
 * Reading a JSON record back into a new board. Everything in it is untrusted: ids, texts and
 * times are checked and cleaned like anything else that comes in; a record that does not hold
 * together (a note in a group that does not exist, say) is refused whole.
 */
const id = z.string().min(1).max(64)
const time = z.string().refine((s) => !Number.isNaN(Date.parse(s)))

const noteSchema = z.object({
  id,
  text: z.string(),
  status: z.enum(NOTE_STATUSES),
  createdAt: time,
  promptId: z.string().max(64).optional(),
  groupId: id.nullable().optional(),
  votes: z.number().int().min(0).max(1_000_000).optional(),
  order: z.number().optional(),
})

const questionSchema = z.object({
  id,
  text: z.string(),
  votes: z.number().int().min(0).max(1_000_000),
  status: z.enum(QUESTION_STATUSES),
  answered: z.boolean(),
  askedAt: time,
  answeredAt: time.optional(),
})

const recordSchema = z.object({
  version: z.literal(RECORD_VERSION),
  session: z.object({
    title: z.string(),
    createdAt: time,
    settings: z.object({
      locked: z.boolean(),
      moderation: z.enum(MODERATION_MODES),
      faceDown: z.boolean().optional(),
      showAllPrompts: z.boolean().optional(),
    }),
    currentPromptId: z.string().max(64).optional(),
    prompt: z.string().optional(),
  }),
  prompts: z.array(z.object({ id, text: z.string(), order: z.number(), createdAt: time })).max(100).optional(),
  groups: z.array(z.object({ id, name: z.string(), parentId: id.nullable(), createdAt: time, order: z.number().optional() })).max(2_000).optional(),
  notes: z.array(z.unknown()).max(100_000),
  phases: z.array(z.object({ phase: z.enum(PHASES), at: time })).max(1_000).optional(),
  surveys: z
    .array(
      z.object({
        id,
        title: z.string(),
        questions: z.array(surveyQuestionSchema).min(1).max(100),
        rounds: z.array(z.object({ round: z.number().int().min(1), label: z.string(), responses: z.number().int().min(0).max(1_000_000), results: z.array(z.unknown()), openedAt: time.optional(), closedAt: time.optional() })).max(100),
        wordEdits: z
          .array(z.object({ index: z.number().int().min(0), hidden: z.array(z.string()).max(1_000), merged: z.array(z.object({ word: z.string(), into: z.string() })).max(1_000) }))
          .max(100)
          .optional(),
      }),
    )
    .max(1_000)
    .optional(),
  agenda: z.array(z.object({ id: z.string().min(1).max(80), kind: z.enum(ACTIVITY_KINDS), title: z.string() })).max(1_000).optional(),
  currentActivityId: z.string().max(80).optional(),
  questions: z.array(questionSchema).max(100_000).optional(),
})

/** A round's results from a record, checked against its question's shape; undefined when they do not fit. */
function readResult(q: SurveyQuestion, raw: unknown, maxNoteChars: number): QuestionResult | undefined {
  const count = z.number().int().min(0).max(1_000_000)
  if (q.kind === 'text') {
    const t = z.object({ answers: z.array(z.string()).max(100_000), words: z.array(z.object({ word: z.string().max(200), count })).max(10_000) }).safeParse(raw)
    if (!t.success) return undefined
    const answers: string[] = []
    for (const a of t.data.answers) {
      const c = checkNoteText(a, maxNoteChars)
      if (!c.ok) return undefined
      answers.push(c.text)
    }
    return { answers, words: t.data.words }
  }
  const size = q.kind === 'scale' ? q.max! - q.min! + 1 : q.options!.length
  const counts = z.array(count).length(size).safeParse(raw)
  return counts.success ? counts.data : undefined
}

/**
 * A survey's hidden and merged words from a record: text questions only, every word checked as
 * the facilitator's are, and applied one by one by the same rules (so limits and one-level
 * merges hold whatever the file says).
 */
function readEdits(
  questions: readonly SurveyQuestion[],
  raw: ReadonlyArray<{ index: number; hidden: string[]; merged: Array<{ word: string; into: string }> }>,
  limits: Limits,
): { ok: true; edits: Map<number, WordEdits> } | { ok: false; error: 'invalid' | 'empty' | 'too_long' | 'full' } {
  const out = new Map<number, WordEdits>()
  for (const e of raw) {
    if (questions[e.index]?.kind !== 'text' || out.has(e.index)) return { ok: false, error: 'invalid' }
    let edits = noEdits()
    const requests: WordEditRequest[] = [...e.hidden.map((word) => ({ action: 'hide' as const, word })), ...e.merged.map((m) => ({ action: 'merge' as const, ...m }))]
    for (const req of requests) {
      const word = cloudWord(req.word, limits.maxCloudWordChars)
      const into = req.action === 'merge' ? cloudWord(req.into, limits.maxCloudWordChars) : word
      if (!word.ok) return word
      if (!into.ok) return into
      const next = editWords(edits, req.action === 'merge' ? { action: 'merge', word: word.text, into: into.text } : { action: 'hide', word: word.text }, limits)
      if (!next.ok) return { ok: false, error: next.error === 'full' ? 'full' : 'invalid' }
      edits = next.edits
    }
    if (hasEdits(edits)) out.set(e.index, edits)
  }
  return { ok: true, edits: out }
}

/** Notes written per event-loop turn at most, so that an import at the cap never holds the loop for long… */
export const IMPORT_CHUNK = 250
/** …and for at most about this long: a turn ends at whichever comes first (reading a record, too). */
export const IMPORT_TURN_MS = 3

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

type RecordNote = z.infer<typeof noteSchema>
type RecordGroup = { id: string; name: string; parentId: string | null; createdAt: string; order?: number }
type ImportedSurvey = { id: string; title: string; questions: SurveyQuestion[]; wordEdits: Map<number, WordEdits>; rounds: Array<SurveyRoundInfo & { responses: number; results: QuestionResult[] }> }

/**
 * A record checked and cleaned, ready to be written into a board: plain data only (Maps, arrays,
 * strings, numbers), since it is made in the import thread (import-thread.ts) and sent over.
 */
export interface CheckedRecord {
  title: string
  /** the record's own date, epoch ms */
  createdAt: number
  settings: { locked: boolean; moderation: (typeof MODERATION_MODES)[number]; faceDown: boolean; showAllPrompts: boolean }
  currentPromptId: string
  prompts: Array<{ id: string; text: string; order: number; createdAt: number }>
  groups: RecordGroup[]
  notes: RecordNote[]
  phases: Array<{ phase: (typeof PHASES)[number]; at: string }>
  surveys: ImportedSurvey[]
  agenda: Array<{ id: string; title: string }>
  activityId: string
  questions: Array<z.infer<typeof questionSchema>>
}

export type CheckResult = { ok: true; record: CheckedRecord } | { ok: false; error: 'invalid' | 'empty' | 'too_long' | 'full' }

export type ImportResult =
  | { ok: true; title: string; prompt: string; apply: (doc: Y.Doc) => Promise<void>; /** the record's own date, epoch ms */ createdAt: number }
  | { ok: false; error: 'invalid' | 'empty' | 'too_long' | 'full' }

/**
 * Check and clean a record, pausing (`yield`) after each note and question: run in turns on the
 * event loop (`readRecord`), or at once in the import thread.
 */
export function* checkRecordSteps(input: unknown, limits: Limits): Generator<void, CheckResult> {
  // Counted before anything else is read: a record over the cap costs nothing more.
  const many = (input as { notes?: unknown } | null)?.notes
  if (Array.isArray(many) && many.length > limits.maxNotesPerSession) return { ok: false, error: 'full' }
  const parsed = recordSchema.safeParse(input)
  if (!parsed.success) return { ok: false, error: 'invalid' }
  const r = parsed.data
  const title = checkLine(r.session.title, limits.maxTitleChars, false)
  if (!title.ok) return title
  const prompts: CheckedRecord['prompts'] = []
  for (const p of r.prompts ?? []) {
    const t = checkLine(p.text, limits.maxPromptChars, true)
    if (!t.ok) return t
    prompts.push({ id: p.id, text: t.text, order: p.order, createdAt: Date.parse(p.createdAt) })
  }
  if (prompts.length === 0) {
    const t = checkLine(r.session.prompt ?? '', limits.maxPromptChars, true)
    if (!t.ok) return t
    prompts.push({ id: 'p0', text: t.text, order: 0, createdAt: Date.parse(r.session.createdAt) })
  }
  const promptIds = new Set(prompts.map((p) => p.id))
  const groupIds = new Set((r.groups ?? []).map((g) => g.id))
  const groups: RecordGroup[] = []
  for (const g of r.groups ?? []) {
    if (g.parentId !== null && !groupIds.has(g.parentId)) return { ok: false, error: 'invalid' }
    const name = checkLine(g.name, limits.maxGroupNameChars, true)
    if (!name.ok) return name
    groups.push({ id: g.id, name: name.text, parentId: g.parentId, createdAt: g.createdAt, ...(g.order !== undefined ? { order: g.order } : {}) })
  }
  const currentPromptId = r.session.currentPromptId && promptIds.has(r.session.currentPromptId) ? r.session.currentPromptId : prompts[0]!.id
  const noteIds = new Set<string>()
  const notes: RecordNote[] = []
  for (const raw of r.notes) {
    yield
    const note = noteSchema.safeParse(raw)
    if (!note.success) return { ok: false, error: 'invalid' }
    const n = note.data
    if (noteIds.has(n.id)) return { ok: false, error: 'invalid' }
    noteIds.add(n.id)
    if (n.groupId && !groupIds.has(n.groupId)) return { ok: false, error: 'invalid' }
    const text = checkNoteText(n.text, limits.maxNoteChars)
    if (!text.ok) return text
    // a prompt the record does not have: the note goes under the current one
    notes.push({ ...n, text: text.text, promptId: n.promptId && promptIds.has(n.promptId) ? n.promptId : currentPromptId })
  }
  // Surveys come back with their rounds closed and their counts as recorded (the answers stay in the kiosk they were given in).
  const surveys: ImportedSurvey[] = []
  if ((r.surveys?.length ?? 0) > limits.maxSurveys) return { ok: false, error: 'full' }
  for (const rs of r.surveys ?? []) {
    yield
    const checked = checkSurvey({ title: rs.title, questions: rs.questions }, limits)
    if (!checked.ok) return { ok: false, error: checked.error === 'empty' || checked.error === 'too_long' ? checked.error : 'invalid' }
    if (surveys.some((x) => x.id === rs.id) || rs.rounds.length > limits.maxRoundsPerSurvey) return { ok: false, error: 'invalid' }
    const rounds: ImportedSurvey['rounds'] = []
    for (const round of rs.rounds) {
      const label = checkLine(round.label, limits.maxRoundLabelChars, true)
      if (!label.ok) return label
      if (round.results.length !== checked.questions.length || rounds.some((x) => x.round === round.round)) return { ok: false, error: 'invalid' }
      const results: QuestionResult[] = []
      for (const [i, q] of checked.questions.entries()) {
        yield
        const result = readResult(q, round.results[i], limits.maxNoteChars)
        if (!result) return { ok: false, error: 'invalid' }
        results.push(result)
      }
      const openedAt = Date.parse(round.openedAt ?? r.session.createdAt)
      rounds.push({ round: round.round, label: label.text, open: false, openedAt, closedAt: round.closedAt ? Date.parse(round.closedAt) : openedAt, shown: false, imported: true, responses: round.responses, results })
    }
    const edits = readEdits(checked.questions, rs.wordEdits ?? [], limits)
    if (!edits.ok) return edits
    surveys.push({ id: rs.id, title: checked.title, questions: checked.questions, rounds, wordEdits: edits.edits })
  }
  const surveyIds = new Set(surveys.map((x) => x.id))
  // The agenda's order and its questions activities, for what the record still has.
  const agenda: Array<{ id: string; title: string }> = []
  for (const a of r.agenda ?? []) {
    const [kind, ref = ''] = [a.id.slice(0, a.id.indexOf(':')), a.id.slice(a.id.indexOf(':') + 1)]
    const known = (kind === 'notes' && promptIds.has(ref)) || (kind === 'survey' && surveyIds.has(ref)) || (kind === 'questions' && ref !== '')
    if (!known || kind !== a.kind || agenda.some((x) => x.id === a.id)) continue
    const title = checkLine(a.title, limits.maxTitleChars, true)
    agenda.push({ id: a.id, title: title.ok ? title.text : '' })
  }
  if (agenda.length > limits.maxAgendaItems) return { ok: false, error: 'full' }
  // Questions come back with their counts and status; who upvoted is not in a record, and
  // questions start closed (the facilitator opens them again if the session goes on).
  if ((r.questions?.length ?? 0) > limits.maxQuestionsPerSession) return { ok: false, error: 'full' }
  const questionIds = new Set<string>()
  const questions: CheckedRecord['questions'] = []
  for (const q of r.questions ?? []) {
    yield
    if (questionIds.has(q.id)) return { ok: false, error: 'invalid' }
    questionIds.add(q.id)
    const text = checkNoteText(q.text, limits.maxNoteChars)
    if (!text.ok) return text
    questions.push({ ...q, text: text.text })
  }
  const settings = r.session.settings
  return {
    ok: true,
    record: {
      title: title.text,
      createdAt: Date.parse(r.session.createdAt),
      settings: { locked: settings.locked, moderation: settings.moderation, faceDown: settings.faceDown === true, showAllPrompts: settings.showAllPrompts === true },
      currentPromptId,
      prompts,
      groups,
      notes,
      phases: r.phases ?? [],
      surveys,
      agenda,
      activityId: agenda.some((a) => a.id === r.currentActivityId) ? r.currentActivityId! : '',
      questions,
    },
  }
}

/**
 * Check and clean a record in turns of the event loop (about `IMPORT_TURN_MS` each); `apply`
 * then writes it into a new board (a document no one sees yet) the same way.
 */
export async function readRecord(input: unknown, limits: Limits): Promise<ImportResult> {
  return importOf(await runInTurns(checkRecordSteps(input, limits), IMPORT_TURN_MS))
}

/** What the import route needs from a checked record: its title and prompt, and how to write it into a board. */
export function importOf(checked: CheckResult): ImportResult {
  if (!checked.ok) return checked
  const c = checked.record
  const current = c.prompts.find((p) => p.id === c.currentPromptId)!
  return { ok: true, title: c.title, prompt: current.text, apply: (doc) => writeRecord(doc, c), createdAt: c.createdAt }
}

/** Write a checked record into a new board, a chunk of notes per event-loop turn. */
async function writeRecord(doc: Y.Doc, c: CheckedRecord): Promise<void> {
  const { notes, prompts, groups, surveys, agenda, questions, currentPromptId } = c
  const current = c.prompts.find((p) => p.id === currentPromptId)!
  const writeNotes = (chunk: RecordNote[]) =>
    doc.transact(() => {
      for (const n of chunk) {
        const e = new Y.Map<unknown>()
        e.set('text', n.text)
        e.set('createdAt', Date.parse(n.createdAt))
        e.set('status', n.status)
        e.set('promptId', n.promptId!)
        e.set('groupId', n.groupId ?? null)
        if (n.order !== undefined) e.set('order', n.order)
        notesMap(doc).set(n.id, e)
        if (n.votes) votesMap(doc).set(n.id, n.votes)
      }
    }, SERVER_ORIGIN)

  // the chunk's size follows the time the one before took, so a slow machine (or code not yet
  // compiled: the first import in a process) writes smaller ones; the first chunk too waits for
  // a turn of its own (the new board's seed was made in this one)
  let size = 16
  for (let i = 0; i < notes.length; ) {
    await nextTurn()
    const started = performance.now()
    const chunk = notes.slice(i, i + size)
    writeNotes(chunk)
    i += chunk.length
    const took = performance.now() - started
    size = Math.max(16, Math.min(IMPORT_CHUNK, Math.floor((chunk.length * IMPORT_TURN_MS) / Math.max(took, 0.1))))
  }
  // The rest in a turn of its own: after the last notes' chunk, not on top of it.
  await nextTurn()
  doc.transact(() => {
    const m = metaMap(doc)
    m.set('locked', c.settings.locked)
    m.set('moderation', c.settings.moderation)
    m.set('faceDown', c.settings.faceDown)
    m.set('showAllPrompts', c.settings.showAllPrompts)
    m.set('currentPromptId', currentPromptId)
    m.set('prompt', current.text)
    m.set('createdAt', c.createdAt)
    const pm = promptsMap(doc)
    for (const key of [...pm.keys()]) pm.delete(key)
    for (const p of prompts) {
      const e = new Y.Map<unknown>()
      e.set('text', p.text)
      e.set('createdAt', p.createdAt)
      e.set('order', p.order)
      pm.set(p.id, e)
    }
    for (const g of groups) {
      const e = new Y.Map<unknown>()
      e.set('name', g.name)
      e.set('parentId', g.parentId)
      e.set('createdAt', Date.parse(g.createdAt))
      if (g.order !== undefined) e.set('order', g.order)
      groupsMap(doc).set(g.id, e)
    }
    if (c.phases.length > 0) {
      const h = historyArray(doc)
      h.delete(0, h.length)
      h.push(c.phases.map((p) => ({ phase: p.phase, at: Date.parse(p.at) })))
      m.set('phase', c.phases[c.phases.length - 1]!.phase)
    }
    for (const sv of surveys) {
      const e = new Y.Map<unknown>()
      e.set('title', sv.title)
      e.set('questions', sv.questions)
      e.set('createdAt', sv.rounds[0]?.openedAt ?? c.createdAt)
      e.set('rounds', sv.rounds.map(({ responses: _r, results: _x, ...info }) => info))
      for (const [i, edits] of sv.wordEdits) e.set(wordEditsKey(i), edits)
      surveysMap(doc).set(sv.id, e)
      for (const round of sv.rounds) surveyResultsMap(doc).set(resultsKey(sv.id, round.round), { responses: round.responses, results: round.results })
    }
    agenda.forEach((a, order) => agendaMap(doc).set(a.id, a.id.startsWith('questions:') ? { order, title: a.title } : { order }))
    m.set('activityId', c.activityId)
    for (const q of questions) {
      const e = new Y.Map<unknown>()
      e.set('text', q.text)
      e.set('createdAt', Date.parse(q.askedAt))
      e.set('status', q.status)
      e.set('answered', q.answered)
      e.set('votes', q.votes)
      if (q.answeredAt !== undefined) e.set('answeredAt', Date.parse(q.answeredAt))
      questionsMap(doc).set(q.id, e)
    }
    // A vote cannot be resumed without its ballots: an imported one is shown as closed.
    const voted = notes.some((n) => (n.votes ?? 0) > 0)
    m.set('vote', voted ? { id: 'imported', open: false, perPhone: 1, maxPerNote: 1, showLive: false } : null)
  }, SERVER_ORIGIN)
}
