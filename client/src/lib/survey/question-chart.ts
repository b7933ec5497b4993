/**
 * The current survey as a board may show it, and which chart each question gets: one rule for
 * the board (BoardSurvey.svelte), its picture (board/snapshot.ts) and its paper (PrintSheet), so
 * they show the same charts. Built from what the board received, and a board receives only the
 * rounds whose results may be shown: hidden results cannot reach a picture.
 */
import { resultsKey } from '../../../../shared/board-doc.ts'
import type { RoundResults, Survey } from '../../../../shared/board.ts'
import type { Question, SurveyRound, WordCount } from '../../../../shared/survey.ts'
import { t } from '../lang.svelte.ts'

export interface SurveyOnBoard {
  title: string
  questions: Question[]
  /** the round answering now: how many answered (when the board was told), whether its results are shown */
  open?: { label: string; answered?: number; shown: boolean }
  /** the last round shown, and the one before it when two are shown (then each question compares them) */
  last?: SurveyRound
  before?: SurveyRound
}

/** `turnout`: a hidden round's number of answers (the board's own key), nothing of what they say. */
export function surveyOnBoard(survey: Survey, results: ReadonlyMap<string, RoundResults>, turnout: ReadonlyMap<string, number> = new Map()): SurveyOnBoard {
  const shown = survey.rounds.flatMap((r): SurveyRound[] => {
    const counted = results.get(resultsKey(survey.id, r.round))
    return counted ? [{ round: r.round, label: r.label, responses: counted.responses, results: counted.results }] : []
  })
  const open = survey.rounds.find((r) => r.open)
  const counted = open ? results.get(resultsKey(survey.id, open.round)) : undefined
  const answered = open ? (counted?.responses ?? turnout.get(resultsKey(survey.id, open.round))) : undefined
  return {
    title: survey.title,
    questions: survey.questions,
    ...(open ? { open: { label: open.label, shown: counted !== undefined, ...(answered !== undefined ? { answered } : {}) } } : {}),
    ...(shown.length > 0 ? { last: shown.at(-1)! } : {}),
    ...(shown.length > 1 ? { before: shown.at(-2)! } : {}),
  }
}

/** Whose answers the charts show, when no round is answering, worded as the board says it. */
export function resultsOf(s: SurveyOnBoard): string {
  if (!s.last) return ''
  return s.before ? t('board.survey.comparing', { before: s.before.label, after: s.last.label }) : t('board.survey.resultsOf', { label: s.last.label, n: s.last.responses })
}

export type QuestionChart =
  | { kind: 'compare'; question: Question; index: number; before: SurveyRound; after: SurveyRound }
  | { kind: 'scale'; question: Question; counts: number[] }
  | { kind: 'choice'; question: Question; counts: number[]; responses: number }
  | { kind: 'cloud'; question: Question; words: WordCount[] }

/** Question `index`'s chart: what changed when two rounds are shown, else the last round's counts. */
export function questionChart(s: SurveyOnBoard, index: number): QuestionChart | undefined {
  const question = s.questions[index]
  const result = s.last?.results[index]
  if (!question || !s.last || result === undefined) return undefined
  if (s.before) return { kind: 'compare', question, index, before: s.before, after: s.last }
  if (!Array.isArray(result)) return { kind: 'cloud', question, words: result.words }
  if (question.kind === 'scale') return { kind: 'scale', question, counts: result }
  return { kind: 'choice', question, counts: result, responses: s.last.responses }
}
