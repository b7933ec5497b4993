import { fail } from '../../shared/errors.ts'
import { checkNoteText } from '../../shared/text.ts'
import type { MyNote } from '../../shared/protocol.ts'
import { noteStatus } from '../board/rules.ts'
import type { Kiosk } from '../context.ts'
import type { LiveSession } from '../sessions/hub.ts'
import { noteCreateSchema, noteMineSchema } from './schemas.ts'
import { handler, type KioskSocket } from './socket.ts'

/** Events any participant may send: parse, check limits, apply through the board rules, ack. */
export function registerPhoneHandlers(socket: KioskSocket, session: LiveSession, kiosk: Kiosk): void {
  const { limits } = kiosk.config

  socket.on(
    'note:create',
    handler(kiosk, async (payload) => {
      const parsed = noteCreateSchema.safeParse(payload)
      if (!parsed.success) return fail('invalid')
      const text = checkNoteText(parsed.data.text, limits.maxNoteChars)
      if (!text.ok) return fail(text.error)
      // A resend of an acknowledged note is answered from the record and costs no tokens.
      const known = kiosk.store.getNoteId(session.row.id, parsed.data.id)
      if (known) return { ok: true as const, noteId: known }
      // The facilitator typing in paper notes for people without a phone is not rate limited.
      if (socket.data.role === 'phone') {
        if (!kiosk.notesPerPhone.take(socket.data.phoneKey)) return fail('rate_limited')
        if (!kiosk.exempt(socket.data.address) && !kiosk.notesPerAddress.take(socket.data.address)) return fail('rate_limited')
      }
      return kiosk.intake.submit(session, { clientId: parsed.data.id, text: text.text, deviceId: socket.data.deviceId, trusted: socket.data.role === 'facilitator' })
    }),
  )

  socket.on(
    'note:mine',
    handler(kiosk, (payload) => {
      const parsed = noteMineSchema.safeParse(payload)
      if (!parsed.success) return fail('invalid')
      const notes: MyNote[] = parsed.data.ids.map((id) => {
        const noteId = kiosk.store.getNoteId(session.row.id, id)
        if (!noteId) return { id, status: 'unknown' }
        return { id, noteId, status: noteStatus(session.doc, noteId) ?? 'deleted' }
      })
      return { ok: true as const, notes }
    }),
  )
}
