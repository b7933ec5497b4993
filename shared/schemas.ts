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
    surveyPage: z
      .object({ surveyId: z.string().min(1).max(64), index: z.number().int().min(0).max(LIMITS.maxSurveyQuestions - 1) })
      .strict()
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

// ---- Surveys and polls, the agenda ----

const surveyId = z.string().min(1).max(64)
/** Texts are measured by shared/text.ts once parsed; these caps only refuse huge strings cheaply. */
const capped = (chars: number) => z.string().max(chars * 4)

const optionsSchema = z.array(capped(LIMITS.maxOptionChars)).min(2).max(LIMITS.maxSurveyOptions)

export const surveyQuestionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('choice'), text: capped(LIMITS.maxQuestionChars), options: optionsSchema }),
  z.object({ kind: z.literal('multi'), text: capped(LIMITS.maxQuestionChars), options: optionsSchema }),
  z.object({
    kind: z.literal('scale'),
    text: capped(LIMITS.maxQuestionChars),
    min: z.number().int().min(LIMITS.scaleLowest).max(LIMITS.scaleHighest).optional(),
    max: z.number().int().min(LIMITS.scaleLowest).max(LIMITS.scaleHighest).optional(),
    minLabel: capped(LIMITS.maxScaleLabelChars).optional(),
    maxLabel: capped(LIMITS.maxScaleLabelChars).optional(),
  }),
  z.object({ kind: z.literal('text'), text: capped(LIMITS.maxQuestionChars) }),
])

export const surveyCreateSchema = z.object({
  title: capped(LIMITS.maxTitleChars),
  questions: z.array(surveyQuestionSchema).min(1).max(LIMITS.maxSurveyQuestions),
})

/** Edit a survey that has no answers yet: its title and questions replaced. */
export const surveyEditSchema = surveyCreateSchema.extend({ surveyId })

export const surveyRefSchema = z.object({ surveyId })

/** `live`: the board shows the results as answers arrive (else hidden until revealed). */
export const surveyOpenSchema = z.object({
  surveyId,
  label: capped(LIMITS.maxRoundLabelChars),
  live: z.boolean().optional(),
})

/** Show or hide a round's results on the board (by default the survey's last round). */
export const surveyRevealSchema = z.object({
  surveyId,
  round: z.number().int().min(1).optional(),
  shown: z.boolean(),
})

/** One answer per question: option index, option indexes, scale value, text, or null (skipped). */
export const surveyAnswerValueSchema = z.union([
  z.number().int(),
  z.array(z.number().int()).max(LIMITS.maxSurveyOptions),
  z.string().max(LIMITS.maxNoteChars * LIMITS.maxNoteCodeUnitsPerChar),
  z.null(),
])

export const surveyAnswerSchema = z.object({
  surveyId,
  round: z.number().int().min(1),
  answers: z.array(surveyAnswerValueSchema).min(1).max(LIMITS.maxSurveyQuestions),
  /** facilitator only: a paper answer sheet's own id, so that sending it again replaces it */
  sheetId: z.string().min(1).max(LIMITS.maxClientIdChars).optional(),
})

/**
 * Hide a word of a text question's cloud, show it again, merge it into another word, or take a
 * merge back: for every round of that question (`question`: its index, from 0).
 */
const wordTarget = { surveyId, question: z.number().int().min(0).max(LIMITS.maxSurveyQuestions - 1), word: capped(LIMITS.maxCloudWordChars) }
export const surveyWordsSchema = z.union([
  z.object({ ...wordTarget, action: z.enum(['hide', 'unhide', 'unmerge']) }),
  z.object({ ...wordTarget, action: z.literal('merge'), into: capped(LIMITS.maxCloudWordChars) }),
])

const activityId = z.string().min(1).max(80)

export const agendaAddSchema = z.discriminatedUnion('kind', [
  /** a note round: a new prompt */
  z.object({ kind: z.literal('notes'), text: z.string() }),
  /** a survey already created (one taken off the agenda comes back) */
  z.object({ kind: z.literal('survey'), surveyId }),
  z.object({ kind: z.literal('questions'), title: z.string().optional() }),
])

/** Move an activity to a place in the agenda (0 first). */
export const agendaMoveSchema = z.object({ activityId, index: z.number().int().min(0) })
export const agendaRefSchema = z.object({ activityId })
