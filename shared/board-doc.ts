import * as Y from 'yjs'
import { DOC_KEYS, NOTE_STATUSES, type MetaFields, type Note, type NoteStatus } from './board.ts'

/** Read helpers over a session's Y.Doc, for the board, the console and the server's record. */
export const notesMap = (doc: Y.Doc): Y.Map<Y.Map<unknown>> => doc.getMap(DOC_KEYS.notes)
export const metaMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(DOC_KEYS.meta)

const isStatus = (v: unknown): v is NoteStatus =>
  typeof v === 'string' && (NOTE_STATUSES as readonly string[]).includes(v)

/** One note, or undefined when the entry is missing or malformed. */
export function readNote(id: string, entry: unknown): Note | undefined {
  if (!(entry instanceof Y.Map)) return undefined
  const text = entry.get('text')
  const createdAt = entry.get('createdAt')
  const status = entry.get('status')
  if (typeof text !== 'string' || typeof createdAt !== 'number' || !isStatus(status)) return undefined
  return { id, text, createdAt, status }
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

export function readMeta(doc: Y.Doc): MetaFields {
  const m = metaMap(doc)
  const str = (k: string): string => (typeof m.get(k) === 'string' ? (m.get(k) as string) : '')
  return {
    title: str('title'),
    prompt: str('prompt'),
    createdAt: typeof m.get('createdAt') === 'number' ? (m.get('createdAt') as number) : 0,
    locked: m.get('locked') === true,
    moderation: m.get('moderation') === 'pre' ? 'pre' : 'post',
  }
}
