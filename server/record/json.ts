import type * as Y from 'yjs'
import { readMeta, readNotes } from '../../shared/board-doc.ts'
import type { ModerationMode, NoteStatus } from '../../shared/board.ts'
import type { SessionRow } from '../store/store.ts'

export const RECORD_VERSION = 1

/** The JSON record of a session; documented in docs/RECORD.md. No device id, address or agent. */
export interface JsonRecord {
  version: typeof RECORD_VERSION
  exportedAt: string
  session: {
    id: string
    title: string
    prompt: string
    createdAt: string
    settings: { locked: boolean; moderation: ModerationMode }
  }
  notes: Array<{ id: string; text: string; status: NoteStatus; createdAt: string }>
  counts: { notes: number; visible: number; pending: number; hidden: number }
  includesHidden: boolean
}

const iso = (ms: number) => new Date(ms).toISOString()

export function buildJsonRecord(row: SessionRow, doc: Y.Doc, opts: { includeHidden: boolean }): JsonRecord {
  const meta = readMeta(doc)
  const all = readNotes(doc)
  const counts = { notes: all.length, visible: 0, pending: 0, hidden: 0 }
  for (const n of all) counts[n.status]++
  const notes = all
    .filter((n) => opts.includeHidden || n.status === 'visible')
    .map((n) => ({ id: n.id, text: n.text, status: n.status, createdAt: iso(n.createdAt) }))
  return {
    version: RECORD_VERSION,
    exportedAt: new Date().toISOString(),
    session: {
      id: row.id,
      title: meta.title,
      prompt: meta.prompt,
      createdAt: iso(meta.createdAt || row.createdAt),
      settings: { locked: meta.locked, moderation: meta.moderation },
    },
    notes,
    counts,
    includesHidden: opts.includeHidden,
  }
}
