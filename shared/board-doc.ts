import * as Y from 'yjs'
import {
  DOC_KEYS,
  NOTE_STATUSES,
  type BoardPage,
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
    showJoin: m.get('showJoin') === true,
    timer: readTimer(m.get('timer')),
    vote: readVote(m.get('vote')),
    closed: m.get('closed') === true,
    lang: m.get('lang') === 'ja' || m.get('lang') === 'en' ? (m.get('lang') as 'ja' | 'en') : null,
  }
}

/** Whether a note is on a vote's ballot by its prompt (notes from before prompts existed always are). */
export function inVoteScope(vote: Pick<VoteSettings, 'promptIds'>, note: Pick<Note, 'promptId'>): boolean {
  return !vote.promptIds || !note.promptId || vote.promptIds.includes(note.promptId)
}
