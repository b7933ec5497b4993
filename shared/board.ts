/**
 * Where the board lives in the session's Y.Doc, and the shapes stored there.
 * Types and key names only: the phone imports this without pulling in Yjs.
 */
export const DOC_KEYS = {
  /** note id → Y.Map<NoteField> */
  notes: 'notes',
  /** session-wide settings and texts, see `MetaFields` */
  meta: 'meta',
} as const

export const NOTE_STATUSES = ['visible', 'pending', 'hidden'] as const
export type NoteStatus = (typeof NOTE_STATUSES)[number]

export const MODERATION_MODES = ['post', 'pre'] as const
export type ModerationMode = (typeof MODERATION_MODES)[number]

/** The fields of one note's Y.Map. */
export interface NoteFields {
  text: string
  /** epoch ms, set by the server when the note was stored */
  createdAt: number
  status: NoteStatus
}

/** The fields of the `meta` map. */
export interface MetaFields {
  title: string
  prompt: string
  /** epoch ms */
  createdAt: number
  /** when true, phones' notes are refused with `locked` */
  locked: boolean
  /** `pre`: new notes arrive `pending` and wait for approval */
  moderation: ModerationMode
}

/** A note as read out of the document, with its id. */
export interface Note extends NoteFields {
  id: string
}
