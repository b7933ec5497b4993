/**
 * Questions to the speaker: where they live in a session's Y.Doc and their shapes. Types and
 * names only (the phone imports this without Yjs); the document's read helpers are in
 * shared/questions-doc.ts.
 *
 * The facilitator's document holds every question (pending, hidden, answered); the board's
 * projection only the visible ones, without their status. Who upvoted what is kept in the
 * database (`upvotes`), never in a document: the document holds the counts.
 */
export const QUESTIONS_KEY = 'questions'

/** `off`: phones cannot ask (nor upvote); `open`: a question is on the list at once; `moderated`: it waits for approval. */
export const QUESTION_MODES = ['off', 'open', 'moderated'] as const
export type QuestionMode = (typeof QUESTION_MODES)[number]

export const QUESTION_STATUSES = ['visible', 'pending', 'hidden'] as const
export type QuestionStatus = (typeof QUESTION_STATUSES)[number]

/**
 * What the facilitator may do to a question (the contract's six, plus `edit` with a text and
 * `restore`, which takes an answered question back onto the open list).
 */
export const QUESTION_ACTIONS = ['approve', 'hide', 'delete', 'answered', 'highlight', 'unhighlight', 'edit', 'restore'] as const
export type QuestionAction = (typeof QUESTION_ACTIONS)[number]

/** meta keys of the questions (in the `meta` map, beside the notes' settings) */
export const QUESTION_META = {
  mode: 'questions',
  /** the question being answered, shown large on the board, or null */
  highlight: 'questionHighlight',
  /** the board shows the questions instead of the wall of notes */
  onBoard: 'questionsOnBoard',
} as const

/** The fields of one question's Y.Map. */
export interface QuestionFields {
  text: string
  /** epoch ms, set by the server */
  createdAt: number
  status: QuestionStatus
  answered: boolean
  /** upvotes, kept by the server in step with the `upvotes` table */
  votes: number
  /** set when the facilitator edited the text */
  editedAt?: number
  /** when it was marked answered */
  answeredAt?: number
}

export interface Question extends QuestionFields {
  id: string
}

/** Newest first (ties by id, so every reader agrees). */
export const byNewest = (a: Pick<Question, 'createdAt' | 'id'>, b: Pick<Question, 'createdAt' | 'id'>): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** Most upvoted first; among equals the older one first (it has waited longer). */
export const byVotes = (a: Pick<Question, 'votes' | 'createdAt' | 'id'>, b: Pick<Question, 'votes' | 'createdAt' | 'id'>): number =>
  b.votes - a.votes || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
