import { z } from 'zod'
import { LIMITS } from './limits.ts'
import { MODERATION_MODES, PHASES, UI_LANGS } from './board.ts'
import { MODERATION_ACTIONS } from './protocol.ts'
import { QUESTION_ACTIONS, QUESTION_MODES } from './questions.ts'

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
    phase: z.enum(PHASES).optional(),
    faceDown: z.boolean().optional(),
    currentPromptId: z.string().min(1).max(64).optional(),
    showAllPrompts: z.boolean().optional(),
    lang: z.enum(UI_LANGS).nullable().optional(),
    spotlight: z
      .object({ kind: z.enum(['note', 'group']), id: z.string().min(1).max(64) })
      .strict()
      .nullable()
      .optional(),
    boardPage: z
      .union([
        z.object({ kind: z.literal('page'), index: z.number().int().min(0).max(LIMITS.maxBoardPage) }).strict(),
        z.object({ kind: z.literal('group'), id: z.string().min(1).max(64) }).strict(),
      ])
      .nullable()
      .optional(),
    showJoin: z.boolean().optional(),
    questions: z.enum(QUESTION_MODES).optional(),
    questionsOnBoard: z.boolean().optional(),
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

export const noteEditSchema = z.object({
  noteId: z.string().min(1).max(64),
  text: z.string(),
})

export const promptAddSchema = z.object({
  text: z.string(),
  makeCurrent: z.boolean().optional(),
})

export const voteOpenSchema = z.object({
  perPhone: z.number().int().min(1),
  maxPerNote: z.number().int().min(1),
  showLive: z.boolean().optional(),
  promptIds: z.array(z.string().min(1).max(64)).min(1).max(LIMITS.maxPrompts).optional(),
})

export const voteCastSchema = z.object({
  noteId: z.string().min(1).max(64),
})

export const timerStartSchema = z.object({
  seconds: z.number().int().min(1),
  lockOnEnd: z.boolean().optional(),
})

export const wordsSetSchema = z.object({
  words: z.array(z.string().max(LIMITS.maxWordChars * 4)).max(LIMITS.maxWords * 2),
})

export const questionAskSchema = z.object({
  id: z.string().min(1).max(LIMITS.maxClientIdChars),
  text: z.string(),
})

export const questionMineSchema = z.object({
  ids: z.array(z.string().min(1).max(LIMITS.maxClientIdChars)).max(500),
})

export const questionUpvoteSchema = z.object({
  questionId: z.string().min(1).max(64),
  on: z.boolean(),
})

/** `edit` carries the new text (cleaned like a new question); the other actions carry none. */
export const questionModerateSchema = z.union([
  z.object({
    questionId: z.string().min(1).max(64),
    action: z.enum(QUESTION_ACTIONS.filter((a) => a !== 'edit') as [Exclude<(typeof QUESTION_ACTIONS)[number], 'edit'>, ...Array<Exclude<(typeof QUESTION_ACTIONS)[number], 'edit'>>]),
  }),
  z.object({ questionId: z.string().min(1).max(64), action: z.literal('edit'), text: z.string() }),
])

/** Events that take no arguments accept `{}` only. */
export const emptySchema = z.object({}).strict()
