import type * as Y from 'yjs'
import { groupPath, readGroups, readHistory, readMeta, readNotes, readPrompts, readVotes } from '../../shared/board-doc.ts'
import type { ModerationMode, NoteStatus, Phase, VoteSettings } from '../../shared/board.ts'

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
  phases: Array<{ phase: Phase; at: string }>
  counts: { notes: number; visible: number; pending: number; hidden: number; groups: number; votes: number; phones: number }
  includesHidden: boolean
}

const iso = (ms: number) => new Date(ms).toISOString()

export function buildRecord(
  id: string,
  doc: Y.Doc,
  opts: { includeHidden: boolean; phones: number; fallbackCreatedAt?: number; now?: number },
): SessionRecord {
  const meta = readMeta(doc)
  const all = readNotes(doc)
  const groups = readGroups(doc)
  const votes = readVotes(doc)
  const counts = { notes: all.length, visible: 0, pending: 0, hidden: 0, groups: groups.length, votes: 0, phones: opts.phones }
  for (const n of all) counts[n.status]++
  for (const v of votes.values()) counts.votes += v
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
    notes: all
      .filter((n) => opts.includeHidden || n.status === 'visible')
      .map((n) => ({
        id: n.id,
        text: n.text,
        status: n.status,
        createdAt: iso(n.createdAt),
        promptId: n.promptId,
        groupId: n.groupId,
        votes: votes.get(n.id) ?? 0,
        ...(n.order !== undefined ? { order: n.order } : {}),
        ...(n.editedAt !== undefined ? { editedAt: iso(n.editedAt) } : {}),
      })),
    vote: meta.vote,
    phases: readHistory(doc).map((h) => ({ phase: h.phase, at: iso(h.at) })),
    counts,
    includesHidden: opts.includeHidden,
  }
}
