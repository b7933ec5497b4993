import { fail } from '../../shared/errors.ts'
import { checkLine } from '../../shared/text.ts'
import type { MetaFields } from '../../shared/board.ts'
import { moderateNote, updateMeta } from '../board/rules.ts'
import type { Kiosk } from '../context.ts'
import type { LiveSession } from '../sessions/hub.ts'
import { noteModerateSchema, sessionUpdateSchema } from './schemas.ts'
import { handler, type KioskSocket } from './socket.ts'

/** Facilitator events: parse, authorise (the connection's token), apply, ack. */
export function registerFacilitatorHandlers(socket: KioskSocket, session: LiveSession, kiosk: Kiosk): void {
  const { limits } = kiosk.config
  const isFacilitator = () => socket.data.role === 'facilitator'

  socket.on(
    'session:update',
    handler(kiosk, (payload) => {
      if (!isFacilitator()) return fail('unauthorized')
      const parsed = sessionUpdateSchema.safeParse(payload)
      if (!parsed.success || Object.keys(parsed.data).length === 0) return fail('invalid')
      const changes: Partial<Pick<MetaFields, 'title' | 'prompt' | 'locked' | 'moderation'>> = {}
      if (parsed.data.title !== undefined) {
        const title = checkLine(parsed.data.title, limits.maxTitleChars, false)
        if (!title.ok) return fail(title.error)
        changes.title = title.text
      }
      if (parsed.data.prompt !== undefined) {
        const prompt = checkLine(parsed.data.prompt, limits.maxPromptChars, true)
        if (!prompt.ok) return fail(prompt.error)
        changes.prompt = prompt.text
      }
      if (parsed.data.locked !== undefined) changes.locked = parsed.data.locked
      if (parsed.data.moderation !== undefined) changes.moderation = parsed.data.moderation
      updateMeta(session.doc, changes)
      return { ok: true as const }
    }),
  )

  socket.on(
    'note:moderate',
    handler(kiosk, (payload) => {
      if (!isFacilitator()) return fail('unauthorized')
      const parsed = noteModerateSchema.safeParse(payload)
      if (!parsed.success) return fail('invalid')
      if (!moderateNote(session.doc, parsed.data.noteId, parsed.data.action)) return fail('not_found')
      return { ok: true as const }
    }),
  )
}
