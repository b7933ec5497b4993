import * as Y from 'yjs'
import { metaMap, notesMap, readMeta } from '../../shared/board-doc.ts'
import type { MetaFields, NoteStatus } from '../../shared/board.ts'
import type { ModerationAction } from '../../shared/protocol.ts'

/**
 * The board's rules as plain functions over a session's Y.Doc. Transports call them; they know
 * nothing of sockets or storage. Each change runs in one Yjs transaction, so observers and the
 * update log see it as one step. `origin` tags the transaction (the server's own writes use
 * SERVER_ORIGIN) so listeners can tell who changed what.
 */
export const SERVER_ORIGIN = 'kurumaza-server'

export function initBoard(doc: Y.Doc, meta: Pick<MetaFields, 'title' | 'prompt' | 'createdAt'>): void {
  doc.transact(() => {
    const m = metaMap(doc)
    m.set('title', meta.title)
    m.set('prompt', meta.prompt)
    m.set('createdAt', meta.createdAt)
    m.set('locked', false)
    m.set('moderation', 'post')
  }, SERVER_ORIGIN)
}

export type PostVerdict = { ok: true; status: NoteStatus } | { ok: false; error: 'locked' }

/** Whether a phone may post now, and in which status its note arrives. */
export function admitNote(doc: Y.Doc): PostVerdict {
  const meta = readMeta(doc)
  if (meta.locked) return { ok: false, error: 'locked' }
  return { ok: true, status: meta.moderation === 'pre' ? 'pending' : 'visible' }
}

export function addNote(doc: Y.Doc, noteId: string, text: string, createdAt: number, status: NoteStatus): void {
  doc.transact(() => {
    const note = new Y.Map<unknown>()
    note.set('text', text)
    note.set('createdAt', createdAt)
    note.set('status', status)
    notesMap(doc).set(noteId, note)
  }, SERVER_ORIGIN)
}

export function removeNotes(doc: Y.Doc, noteIds: readonly string[]): void {
  doc.transact(() => {
    for (const id of noteIds) notesMap(doc).delete(id)
  }, SERVER_ORIGIN)
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
  doc.transact(() => {
    if (action === 'delete') notesMap(doc).delete(noteId)
    else note.set('status', STATUS_AFTER[action])
  }, SERVER_ORIGIN)
  return true
}

export function updateMeta(doc: Y.Doc, changes: Partial<Pick<MetaFields, 'title' | 'prompt' | 'locked' | 'moderation'>>): void {
  doc.transact(() => {
    const m = metaMap(doc)
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined && m.get(key) !== value) m.set(key, value)
    }
  }, SERVER_ORIGIN)
}

/** The status of one note, or undefined when it was deleted or never existed. */
export function noteStatus(doc: Y.Doc, noteId: string): NoteStatus | undefined {
  const note = notesMap(doc).get(noteId)
  if (!(note instanceof Y.Map)) return undefined
  const s = note.get('status')
  return s === 'visible' || s === 'pending' || s === 'hidden' ? s : undefined
}
