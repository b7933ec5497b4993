/**
 * Surveys and polls (contract "Surveys and polls (v2)"): the shapes the server stores and the
 * record exports, and that the board, console and phone draw. Types and tiny pure helpers only,
 * so the phone and the charts import it without pulling in anything else.
 */

export const QUESTION_KINDS = ['choice', 'multi', 'scale', 'text'] as const
export type QuestionKind = (typeof QUESTION_KINDS)[number]

/** Scale bounds when the facilitator gives none (the contract's default 1–5). */
export const SCALE_DEFAULT_MIN = 1
export const SCALE_DEFAULT_MAX = 5

/** One question as created (`survey:create`) and as exported. */
export interface Question {
  kind: QuestionKind
  text: string
  /** choice and multi: 2–10 options */
  options?: string[]
  /** scale: inclusive bounds, default 1 and 5 */
  min?: number
  max?: number
  minLabel?: string
  maxLabel?: string
}

export interface Survey {
  id: string
  title: string
  questions: Question[]
}

/** One phone's answer to one question: option index, option indexes, scale value, text, or skipped. */
export type Answer = number | number[] | string | null

/** How often a word came up in a text question's answers (each answer counts a word once). */
export interface WordCount {
  word: string
  count: number
}

/**
 * The facilitator's say over one text question's cloud, for every round of it and their
 * comparison: words left out, and words counted as another (「デジタル化」 as 「DX」). Words are
 * compared folded (width, case); `into` is never itself merged (merges are kept one level deep).
 */
export interface WordEdits {
  hidden: string[]
  merged: Array<{ word: string; into: string }>
}

/** A text question's result: every answer, and its words for the cloud. */
export interface TextResult {
  /** every answer as written; a board receives none of them (see `answered`) */
  answers: string[]
  words: WordCount[]
  /**
   * On a board only: how many answered. A board shows the cloud, never the answers, so its copy
   * carries their number instead of their text (a name the facilitator left out of the cloud
   * must not sit in the projector's browser either).
   */
  answered?: number
}

/** How many answered a text question, on a board (the number only) or anywhere else. */
export const textAnswered = (r: TextResult): number => r.answered ?? r.answers.length

/** A round's results as a board may hold them: each text question's answers replaced by their number. */
export function forBoard<T extends { results: QuestionResult[] }>(round: T): T {
  if (!round.results.some((r) => isTextResult(r) && r.answers.length > 0)) return round
  return { ...round, results: round.results.map((r) => (isTextResult(r) ? { answers: [], words: r.words, answered: textAnswered(r) } : r)) }
}

/** choice and multi: counts per option; scale: counts per value from min to max; text: see TextResult. */
export type QuestionResult = number[] | TextResult

/** One round of a survey (e.g. 事前, 事後) as the record exports it. */
export interface SurveyRound {
  round: number
  label: string
  /** phones that answered this round (any question) */
  responses: number
  /** one per question, in question order */
  results: QuestionResult[]
}

export function isTextResult(r: QuestionResult): r is TextResult {
  return !Array.isArray(r)
}

/** A scale question's bounds with the defaults applied. */
export function scaleBounds(q: Pick<Question, 'min' | 'max'>): { min: number; max: number } {
  return { min: q.min ?? SCALE_DEFAULT_MIN, max: q.max ?? SCALE_DEFAULT_MAX }
}

/** The values a scale question offers, from min to max. */
export function scaleValues(q: Pick<Question, 'min' | 'max'>): number[] {
  const { min, max } = scaleBounds(q)
  return Array.from({ length: Math.max(0, max - min + 1) }, (_, i) => min + i)
}

/** An empty result for a question (no answers yet), in the shape its kind exports. */
export function emptyResult(q: Question): QuestionResult {
  if (q.kind === 'text') return { answers: [], words: [] }
  if (q.kind === 'scale') return scaleValues(q).map(() => 0)
  return (q.options ?? []).map(() => 0)
}

/** Mean of a scale distribution (counts per value from min), or null when nobody answered. */
export function scaleMean(counts: readonly number[], min: number): number | null {
  let n = 0
  let sum = 0
  counts.forEach((c, i) => {
    n += c
    sum += c * (min + i)
  })
  return n === 0 ? null : sum / n
}
