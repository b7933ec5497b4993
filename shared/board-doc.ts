import * as Y from 'yjs'
import {
  DOC_KEYS,
  NOTE_STATUSES,
  type BoardPage,
  type SurveyPage,
  PHASES,
  type Group,
  type MetaFields,
  type Note,
  type Phase,
  type PhaseEntry,
  type Prompt,
  type Spotlight,
  type TimerState,
  type VoteSettings,
} from './board.ts'
import type { WordEdits } from './survey.ts'
import { readWordEdits } from './word-edits.ts'
import type { Activity, AgendaEntry, QuestionResult, RoundResults, Survey, SurveyQuestion, SurveyRoundInfo } from './board.ts'

/**
 * Read helpers over a session's Y.Doc, for the board, the console and the server's record.
 * Every reader is defensive: a malformed entry is skipped, never trusted.
 */
export const notesMap = (doc: Y.Doc): Y.Map<Y.Map<unknown>> => doc.getMap(DOC_KEYS.notes)
export const metaMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(DOC_KEYS.meta)
export const groupsMap = (doc: Y.Doc): Y.Map<Y.Map<unknown>> => doc.getMap(DOC_KEYS.groups)
export const promptsMap = (doc: Y.Doc): Y.Map<Y.Map<unknown>> => doc.getMap(DOC_KEYS.prompts)
export const votesMap = (doc: Y.Doc): Y.Map<number> => doc.getMap(DOC_KEYS.votes)
export const historyArray = (doc: Y.Doc): Y.Array<PhaseEntry> => doc.getArray(DOC_KEYS.history)
export const surveysMap = (doc: Y.Doc): Y.Map<Y.Map<unknown>> => doc.getMap(DOC_KEYS.surveys)
export const surveyResultsMap = (doc: Y.Doc): Y.Map<RoundResults> => doc.getMap(DOC_KEYS.surveyResults)
export const agendaMap = (doc: Y.Doc): Y.Map<AgendaEntry> => doc.getMap(DOC_KEYS.agenda)
export const surveyTurnoutMap = (doc: Y.Doc): Y.Map<number> => doc.getMap(DOC_KEYS.surveyTurnout)
/** Where a round's results live in `surveyResults`. */
export const resultsKey = (surveyId: string, round: number): string => `${surveyId}:${round}`

const isStatus = (v: unknown): v is Note['status'] => typeof v === 'string' && (NOTE_STATUSES as readonly string[]).includes(v)
const isPhase = (v: unknown): v is Phase => typeof v === 'string' && (PHASES as readonly string[]).includes(v)
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback)
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)

const byOrderThenTime = <T extends { order?: number; createdAt: number; id: string }>(a: T, b: T) =>
  (a.order ?? a.createdAt) - (b.order ?? b.createdAt) || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** One note, or undefined when the entry is missing or malformed. */
export function readNote(id: string, entry: unknown): Note | undefined {
  if (!(entry instanceof Y.Map)) return undefined
  const text = entry.get('text')
  const createdAt = entry.get('createdAt')
  const status = entry.get('status')
  if (typeof text !== 'string' || typeof createdAt !== 'number' || !isStatus(status)) return undefined
  const note: Note = { id, text, createdAt, status, promptId: str(entry.get('promptId')), groupId: null }
  const groupId = entry.get('groupId')
  if (typeof groupId === 'string' && groupId !== '') note.groupId = groupId
  const order = entry.get('order')
  if (typeof order === 'number' && Number.isFinite(order)) note.order = order
  if (entry.get('faceDown') === true) note.faceDown = true
  const editedAt = entry.get('editedAt')
  if (typeof editedAt === 'number') note.editedAt = editedAt
  return note
}

/** All well-formed notes, oldest first (ties broken by id so every reader agrees). */
export function readNotes(doc: Y.Doc): Note[] {
  const out: Note[] = []
  notesMap(doc).forEach((entry, id) => {
    const note = readNote(id, entry)
    if (note) out.push(note)
  })
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** Groups, with parents that are missing or would make a cycle treated as top level. */
export function readGroups(doc: Y.Doc): Group[] {
  const raw = new Map<string, Group>()
  groupsMap(doc).forEach((entry, id) => {
    if (!(entry instanceof Y.Map)) return
    const parent = entry.get('parentId')
    const g: Group = {
      id,
      name: str(entry.get('name')),
      parentId: typeof parent === 'string' && parent !== '' && parent !== id ? parent : null,
      createdAt: num(entry.get('createdAt')),
    }
    const order = entry.get('order')
    if (typeof order === 'number' && Number.isFinite(order)) g.order = order
    raw.set(id, g)
  })
  for (const g of raw.values()) {
    if (g.parentId !== null && (!raw.has(g.parentId) || ancestorsOf(raw, g.id).includes(g.id))) g.parentId = null
  }
  return [...raw.values()].sort(byOrderThenTime)
}

function ancestorsOf(groups: Map<string, Group>, id: string): string[] {
  const seen: string[] = []
  let cur = groups.get(id)?.parentId ?? null
  while (cur !== null && !seen.includes(cur)) {
    seen.push(cur)
    cur = groups.get(cur)?.parentId ?? null
  }
  return seen
}

/** Names from the top group down to this one, e.g. ["窓口", "待ち時間"]. */
export function groupPath(groups: readonly Group[], id: string | null): string[] {
  const byId = new Map(groups.map((g) => [g.id, g]))
  const path: string[] = []
  const seen = new Set<string>()
  let cur = id
  while (cur !== null && byId.has(cur) && !seen.has(cur)) {
    seen.add(cur)
    const g = byId.get(cur)!
    path.unshift(g.name)
    cur = g.parentId
  }
  return path
}

export function readPrompts(doc: Y.Doc): Prompt[] {
  const out: Prompt[] = []
  promptsMap(doc).forEach((entry, id) => {
    if (!(entry instanceof Y.Map)) return
    const text = entry.get('text')
    if (typeof text !== 'string') return
    out.push({ id, text, createdAt: num(entry.get('createdAt')), order: num(entry.get('order')) })
  })
  return out.sort((a, b) => a.order - b.order || a.createdAt - b.createdAt)
}

/** Dots per note of the current or last vote. */
export function readVotes(doc: Y.Doc): Map<string, number> {
  const out = new Map<string, number>()
  votesMap(doc).forEach((n, id) => {
    if (typeof n === 'number' && n > 0) out.set(id, n)
  })
  return out
}

export function readHistory(doc: Y.Doc): PhaseEntry[] {
  return historyArray(doc)
    .toArray()
    .filter((e): e is PhaseEntry => typeof e === 'object' && e !== null && isPhase(e.phase) && typeof e.at === 'number')
}

function readSpotlight(v: unknown): Spotlight | null {
  if (typeof v !== 'object' || v === null) return null
  const s = v as Record<string, unknown>
  return (s.kind === 'note' || s.kind === 'group') && typeof s.id === 'string' ? { kind: s.kind, id: s.id } : null
}

function readBoardPage(v: unknown): BoardPage | null {
  if (typeof v !== 'object' || v === null) return null
  const p = v as Record<string, unknown>
  if (p.kind === 'page' && typeof p.index === 'number' && Number.isInteger(p.index) && p.index >= 0) return { kind: 'page', index: p.index }
  if (p.kind === 'group' && typeof p.id === 'string') return { kind: 'group', id: p.id }
  return null
}

function readTimer(v: unknown): TimerState | null {
  if (typeof v !== 'object' || v === null) return null
  const t = v as Record<string, unknown>
  return typeof t.endsAt === 'number' && typeof t.seconds === 'number' ? { endsAt: t.endsAt, seconds: t.seconds, lockOnEnd: t.lockOnEnd === true } : null
}

function readVote(v: unknown): VoteSettings | null {
  if (typeof v !== 'object' || v === null) return null
  const s = v as Record<string, unknown>
  if (typeof s.id !== 'string' || typeof s.perPhone !== 'number' || typeof s.maxPerNote !== 'number') return null
  const vote: VoteSettings = { id: s.id, open: s.open === true, perPhone: s.perPhone, maxPerNote: s.maxPerNote, showLive: s.showLive === true }
  if (Array.isArray(s.promptIds)) vote.promptIds = s.promptIds.filter((p): p is string => typeof p === 'string')
  return vote
}

function readSurveyPage(v: unknown): SurveyPage | null {
  if (typeof v !== 'object' || v === null) return null
  const p = v as Record<string, unknown>
  return typeof p.surveyId === 'string' && Number.isInteger(p.index) && (p.index as number) >= 0 ? { surveyId: p.surveyId, index: p.index as number } : null
}

export function readMeta(doc: Y.Doc): MetaFields {
  const m = metaMap(doc)
  const phase = m.get('phase')
  return {
    title: str(m.get('title')),
    prompt: str(m.get('prompt')),
    createdAt: num(m.get('createdAt')),
    locked: m.get('locked') === true,
    moderation: m.get('moderation') === 'pre' ? 'pre' : 'post',
    phase: isPhase(phase) ? phase : 'collect',
    faceDown: m.get('faceDown') === true,
    currentPromptId: str(m.get('currentPromptId')),
    showAllPrompts: m.get('showAllPrompts') === true,
    spotlight: readSpotlight(m.get('spotlight')),
    boardPage: readBoardPage(m.get('boardPage')),
    surveyPage: readSurveyPage(m.get('surveyPage')),
    showJoin: m.get('showJoin') === true,
    timer: readTimer(m.get('timer')),
    vote: readVote(m.get('vote')),
    closed: m.get('closed') === true,
    lang: m.get('lang') === 'ja' || m.get('lang') === 'en' ? (m.get('lang') as 'ja' | 'en') : null,
    activityId: str(m.get('activityId')),
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)

function readQuestion(v: unknown): SurveyQuestion | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const q = v as Record<string, unknown>
  if (typeof q.text !== 'string') return undefined
  if (q.kind === 'choice' || q.kind === 'multi') {
    if (!Array.isArray(q.options) || q.options.length < 2 || !q.options.every((o) => typeof o === 'string')) return undefined
    return { kind: q.kind, text: q.text, options: q.options as string[] }
  }
  if (q.kind === 'scale') {
    const min = isInt(q.min) ? q.min : 1
    const max = isInt(q.max) ? q.max : 5
    if (max <= min) return undefined
    return { kind: 'scale', text: q.text, min, max, ...(typeof q.minLabel === 'string' ? { minLabel: q.minLabel } : {}), ...(typeof q.maxLabel === 'string' ? { maxLabel: q.maxLabel } : {}) }
  }
  if (q.kind === 'text') return { kind: 'text', text: q.text }
  return undefined
}

function readRound(v: unknown): SurveyRoundInfo | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const r = v as Record<string, unknown>
  if (!isInt(r.round) || r.round < 1 || typeof r.label !== 'string') return undefined
  const out: SurveyRoundInfo = { round: r.round, label: r.label, open: r.open === true, openedAt: num(r.openedAt), shown: r.shown === true }
  if (typeof r.closedAt === 'number') out.closedAt = r.closedAt
  if (r.imported === true) out.imported = true
  return out
}

/** One survey, or undefined when the entry is missing or malformed (a question it cannot read spoils it). */
export function readSurvey(doc: Y.Doc, id: string): Survey | undefined {
  const entry = surveysMap(doc).get(id)
  if (!(entry instanceof Y.Map)) return undefined
  const title = entry.get('title')
  const rawQuestions = entry.get('questions')
  if (typeof title !== 'string' || !Array.isArray(rawQuestions)) return undefined
  const questions = rawQuestions.map(readQuestion)
  if (questions.length === 0 || questions.some((q) => !q)) return undefined
  const rawRounds = entry.get('rounds')
  const rounds = (Array.isArray(rawRounds) ? rawRounds : []).map(readRound).filter((r): r is SurveyRoundInfo => r !== undefined)
  return { id, title, questions: questions as SurveyQuestion[], createdAt: num(entry.get('createdAt')), rounds }
}

/** Where a text question's hidden and merged words live in its survey's entry (the facilitator's document only). */
export const WORD_EDITS_PREFIX = 'words:'
export const wordEditsKey = (question: number): string => `${WORD_EDITS_PREFIX}${question}`

/** A survey's hidden and merged words, one entry per question (empty where there are none). */
export function readSurveyWordEdits(doc: Y.Doc, id: string, questions: number): WordEdits[] {
  const entry = surveysMap(doc).get(id)
  return Array.from({ length: questions }, (_, i) => readWordEdits(entry instanceof Y.Map ? entry.get(wordEditsKey(i)) : undefined))
}

/** Every well-formed survey, oldest first. */
export function readSurveys(doc: Y.Doc): Survey[] {
  const out: Survey[] = []
  for (const id of surveysMap(doc).keys()) {
    const s = readSurvey(doc, id)
    if (s) out.push(s)
  }
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
}

/** The open round of a session, if any (only one is open at a time). */
export function openRound(doc: Y.Doc): { survey: Survey; round: SurveyRoundInfo } | undefined {
  for (const survey of readSurveys(doc)) {
    const round = survey.rounds.find((r) => r.open)
    if (round) return { survey, round }
  }
  return undefined
}

function isResult(v: unknown): v is QuestionResult {
  if (Array.isArray(v)) return v.every((n) => typeof n === 'number')
  if (typeof v !== 'object' || v === null) return false
  const t = v as Record<string, unknown>
  return Array.isArray(t.answers) && Array.isArray(t.words)
}

/** A round's results as the server last wrote them, or undefined. */
export function readResults(doc: Y.Doc, surveyId: string, round: number): RoundResults | undefined {
  const v = surveyResultsMap(doc).get(resultsKey(surveyId, round)) as unknown
  if (typeof v !== 'object' || v === null) return undefined
  const r = v as Record<string, unknown>
  if (typeof r.responses !== 'number' || !Array.isArray(r.results) || !r.results.every(isResult)) return undefined
  return { responses: r.responses, results: r.results as QuestionResult[] }
}

function readAgendaEntry(v: unknown): AgendaEntry | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const e = v as Record<string, unknown>
  if (typeof e.order !== 'number' || !Number.isFinite(e.order)) return undefined
  return { order: e.order, ...(e.removed === true ? { removed: true } : {}), ...(typeof e.title === 'string' ? { title: e.title } : {}) }
}

/**
 * The agenda, in order: every prompt is a note round and every survey a survey activity unless
 * taken off; questions activities come from the agenda map alone. A session from before the
 * agenda (or an imported record) has no entries: its prompts in their order are its agenda.
 */
export function readAgenda(doc: Y.Doc): Activity[] {
  const entries = agendaMap(doc)
  const out: Activity[] = []
  const entry = (id: string) => readAgendaEntry(entries.get(id))
  for (const p of readPrompts(doc)) {
    const id = `notes:${p.id}`
    const e = entry(id)
    if (!e?.removed) out.push({ id, kind: 'notes', title: p.text, order: e?.order ?? p.order, ref: p.id })
  }
  for (const s of readSurveys(doc)) {
    const id = `survey:${s.id}`
    const e = entry(id)
    if (!e?.removed) out.push({ id, kind: 'survey', title: s.title, order: e?.order ?? Number.MAX_SAFE_INTEGER, ref: s.id })
  }
  for (const id of entries.keys()) {
    if (!id.startsWith('questions:')) continue
    const e = entry(id)
    if (e && !e.removed) out.push({ id, kind: 'questions', title: e.title ?? '', order: e.order, ref: id.slice('questions:'.length) })
  }
  const rank = { notes: 0, survey: 1, questions: 2 }
  return out.sort((a, b) => a.order - b.order || rank[a.kind] - rank[b.kind] || (a.id < b.id ? -1 : 1))
}

/** The activity on every screen now: the one set, else the note round of the current prompt. */
export function currentActivity(doc: Y.Doc, agenda: Activity[] = readAgenda(doc)): Activity | undefined {
  const meta = readMeta(doc)
  return agenda.find((a) => a.id === meta.activityId) ?? agenda.find((a) => a.id === `notes:${meta.currentPromptId}`)
}

/** Whether a note is on a vote's ballot by its prompt (notes from before prompts existed always are). */
export function inVoteScope(vote: Pick<VoteSettings, 'promptIds'>, note: Pick<Note, 'promptId'>): boolean {
  return !vote.promptIds || !note.promptId || vote.promptIds.includes(note.promptId)
}
