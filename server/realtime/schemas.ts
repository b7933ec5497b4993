import { z } from 'zod'
import { LIMITS } from '../../shared/limits.ts'
import { MODERATION_MODES } from '../../shared/board.ts'
import { MODERATION_ACTIONS } from '../../shared/protocol.ts'

/** Shapes of untrusted Socket.io payloads; text is measured separately by shared/text.ts. */
export const noteCreateSchema = z.object({
  id: z.string().min(1).max(LIMITS.maxClientIdChars),
  text: z.string(),
})

export const noteMineSchema = z.object({
  ids: z.array(z.string().min(1).max(LIMITS.maxClientIdChars)).max(500),
})

export const sessionUpdateSchema = z
  .object({
    locked: z.boolean().optional(),
    moderation: z.enum(MODERATION_MODES).optional(),
    title: z.string().max(LIMITS.maxTitleChars * 4).optional(),
    prompt: z.string().max(LIMITS.maxPromptChars * 4).optional(),
  })
  .strict()

export const noteModerateSchema = z.object({
  noteId: z.string().min(1).max(64),
  action: z.enum(MODERATION_ACTIONS),
})

export const handshakeSchema = z.object({
  session: z.string().max(64),
  deviceId: z.string().min(1).max(LIMITS.maxDeviceIdChars).optional().catch(undefined),
  token: z.string().max(256).optional(),
})
