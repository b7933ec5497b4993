import { fail, type Ack } from '../../shared/errors.ts'
import { newNoteId } from '../../shared/ids.ts'
import { checkNoteText } from '../../shared/text.ts'
import type { MyNote } from '../../shared/protocol.ts'
import { addNote, admitNote, noteStatus } from '../board/rules.ts'
import { notesMap, readNote } from '../../shared/board-doc.ts'
import type { Kiosk } from '../context.ts'
import type { Change, LiveSession } from '../sessions/session.ts'
import { rows } from '../store/rows.ts'
import { noteCreateSchema, noteMineSchema } from '../../shared/schemas.ts'
import { handler, type KioskSocket } from './socket.ts'

interface NewNote {
  sessionId: string
  /** the phone's own id for the note: stored with it, so a resend never makes a second note */
  clientId: string
  text: string
  deviceId: string | null
  /** whether the word list sends it to the queue */
  flagged: boolean
  /** written by the facilitator (a paper note typed in): needs no approval, passes a lock */
  trusted: boolean
  /** notes the session may hold (`maxNotesPerSession`): checked inside the change, so notes committed just before count */
  maxNotes: number
}

/** A note onto the board, with its idempotency record in the same transaction. */
const postNote = (n: NewNote, now = Date.now()): Change<Ack<{ noteId: string }>> => ({
  apply(doc) {
    const verdict = admitNote(doc, n.flagged && !n.trusted, n.trusted, n.maxNotes)
    if (!verdict.ok) return fail(verdict.error)
    const noteId = newNoteId()
    addNote(doc, noteId, n.text, now, verdict.status)
    return { ok: true, noteId }
  },
  rows: (ack) => (ack.ok ? [rows.noteId(n.sessionId, n.clientId, ack.noteId, n.deviceId, now)] : []),
})

/** Events any participant may send: parse, check limits, apply through the board rules, ack. */
export function registerPhoneHandlers(socket: KioskSocket, session: LiveSession, kiosk: Kiosk): void {
  const { limits } = kiosk.config

  socket.on(
    'note:create',
    handler(kiosk, (payload) => {
      const parsed = noteCreateSchema.safeParse(payload)
      if (!parsed.success) return fail('invalid')
      const text = checkNoteText(parsed.data.text, limits.maxNoteChars)
      if (!text.ok) return fail(text.error)
      const clientId = parsed.data.id
      // A resend of a note still being stored gets the first one's answer; of a stored note, the
      // record's. Either costs no tokens.
      return session.once(clientId, async () => {
        const known = session.noteOf(clientId)
        if (known) return { ok: true as const, noteId: known }
        const trusted = socket.data.role === 'facilitator'
        // The facilitator typing in paper notes for people without a phone is not rate limited.
        if (!trusted) {
          if (!kiosk.notesPerPhone.take(socket.data.phoneKey)) return fail('rate_limited')
          if (!kiosk.exempt(socket.data.address) && !kiosk.notesPerAddress.take(socket.data.address)) return fail('rate_limited')
        }
        const { deviceId } = socket.data
        const ack = await session.commit(postNote({ sessionId: session.id, clientId, text: text.text, deviceId, flagged: kiosk.words.flags(text.text), trusted, maxNotes: limits.maxNotesPerSession }))
        if (ack.ok) session.noteStored({ clientId, noteId: ack.noteId, deviceId })
        return ack
      })
    }),
  )

  socket.on(
    'note:mine',
    handler(kiosk, (payload) => {
      const parsed = noteMineSchema.safeParse(payload)
      if (!parsed.success) return fail('invalid')
      const notes: MyNote[] = parsed.data.ids.map((id) => {
        const noteId = session.noteOf(id)
        if (!noteId) return { id, status: 'unknown' }
        const status = noteStatus(session.doc, noteId)
        if (!status) return { id, noteId, status: 'deleted' }
        // A note the facilitator corrected comes back with its text as the board shows it.
        const note = readNote(noteId, notesMap(session.doc).get(noteId))
        return note?.editedAt !== undefined ? { id, noteId, status, text: note.text } : { id, noteId, status }
      })
      return { ok: true as const, notes }
    }),
  )
}
