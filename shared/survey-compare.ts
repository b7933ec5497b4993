/**
 * What changed between two rounds of one question (事前 → 事後): plain numbers for the board's
 * and console's comparison charts and the Markdown record. Distributions only: nothing here
 * knows who answered what. Shares are in percent (0–100), shifts in percentage points.
 */
import { isTextResult, scaleBounds, textAnswered, scaleMean, type Question, type QuestionResult, type SurveyRound, type TextResult } from './survey.ts'

export interface Side {
  count: number
  /** percent of the base (see `base` on the comparison) */
  pct: number
}

export interface OptionChange {
  index: number
  label: string
  before: Side
  after: Side
  /** after.pct − before.pct */
  shiftPts: number
}

export interface ChoiceComparison {
  kind: 'choice' | 'multi'
  /**
   * What a share is a share of. choice: the answers to this question (each phone picks one).
   * multi: the round's respondents, when known (a phone may pick several, so shares add past 100).
   */
  base: { before: number; after: number }
  options: OptionChange[]
}

export interface ScaleComparison {
  kind: 'scale'
  min: number
  max: number
  /** one per value from min to max; shares of the answers to this question */
  values: Array<{ value: number; before: Side; after: Side; shiftPts: number }>
  answered: { before: number; after: number }
  mean: { before: number | null; after: number | null; shift: number | null }
}

export interface WordChange {
  word: string
  before: Side
  after: Side
  shiftPts: number
}

export interface TextComparison {
  kind: 'text'
  /** answers given in each round: a word's share is the share of answers that hold it */
  answered: { before: number; after: number }
  rose: WordChange[]
  fell: WordChange[]
}

export type QuestionComparison = ChoiceComparison | ScaleComparison | TextComparison

/** Words listed per direction unless asked otherwise. */
export const DEFAULT_WORD_CHANGES = 8

const pct = (count: number, base: number) => (base > 0 ? (count / base) * 100 : 0)
const side = (count: number, base: number): Side => ({ count, pct: pct(count, base) })
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

/**
 * Option by option, before and after. `bases` overrides what a share is of: pass the rounds'
 * respondents for a multiple-choice question; by default the sum of the counts.
 */
export function compareChoice(
  options: readonly string[],
  before: readonly number[],
  after: readonly number[],
  opts: { kind?: 'choice' | 'multi'; bases?: { before: number; after: number } } = {},
): ChoiceComparison {
  const base = opts.bases ?? { before: sum(before), after: sum(after) }
  return {
    kind: opts.kind ?? 'choice',
    base,
    options: options.map((label, index) => {
      const b = side(before[index] ?? 0, base.before)
      const a = side(after[index] ?? 0, base.after)
      return { index, label, before: b, after: a, shiftPts: a.pct - b.pct }
    }),
  }
}

/** Distribution per value and the mean, before and after (counts per value from min to max). */
export function compareScale(q: Pick<Question, 'min' | 'max'>, before: readonly number[], after: readonly number[]): ScaleComparison {
  const { min, max } = scaleBounds(q)
  const answered = { before: sum(before), after: sum(after) }
  const values = Array.from({ length: max - min + 1 }, (_, i) => {
    const b = side(before[i] ?? 0, answered.before)
    const a = side(after[i] ?? 0, answered.after)
    return { value: min + i, before: b, after: a, shiftPts: a.pct - b.pct }
  })
  const mb = scaleMean(before, min)
  const ma = scaleMean(after, min)
  return { kind: 'scale', min, max, values, answered, mean: { before: mb, after: ma, shift: mb === null || ma === null ? null : ma - mb } }
}

/**
 * Words that rose and fell, by share of answers holding them (so a bigger second round does
 * not make every word "rise"). Largest moves first; ties by the later count, then the word.
 */
export function compareText(before: TextResult, after: TextResult, opts: { limit?: number } = {}): TextComparison {
  const answered = { before: textAnswered(before), after: textAnswered(after) }
  const words = new Map<string, { b: number; a: number }>()
  for (const w of before.words) words.set(w.word, { b: w.count, a: 0 })
  for (const w of after.words) words.set(w.word, { b: words.get(w.word)?.b ?? 0, a: w.count })
  const changes: WordChange[] = [...words].map(([word, { b, a }]) => {
    const bs = side(b, answered.before)
    const as = side(a, answered.after)
    return { word, before: bs, after: as, shiftPts: as.pct - bs.pct }
  })
  const limit = opts.limit ?? DEFAULT_WORD_CHANGES
  const order = (x: WordChange, y: WordChange) =>
    Math.abs(y.shiftPts) - Math.abs(x.shiftPts) || y.after.count - x.after.count || (x.word < y.word ? -1 : x.word > y.word ? 1 : 0)
  return {
    kind: 'text',
    answered,
    rose: changes.filter((c) => c.shiftPts > 0).sort(order).slice(0, limit),
    fell: changes.filter((c) => c.shiftPts < 0).sort(order).slice(0, limit),
  }
}

/**
 * The change for question `index` of a survey between two rounds. Results that do not fit the
 * question's kind (a damaged record) compare as empty rather than throw.
 */
export function compareQuestion(q: Question, index: number, before: SurveyRound, after: SurveyRound, opts: { limit?: number } = {}): QuestionComparison {
  const rb = before.results[index]
  const ra = after.results[index]
  const counts = (r: QuestionResult | undefined) => (r && !isTextResult(r) ? r : [])
  const text = (r: QuestionResult | undefined): TextResult => (r && isTextResult(r) ? r : { answers: [], words: [] })
  if (q.kind === 'text') return compareText(text(rb), text(ra), opts)
  if (q.kind === 'scale') return compareScale(q, counts(rb), counts(ra))
  const bases = q.kind === 'multi' ? { before: before.responses, after: after.responses } : undefined
  return compareChoice(q.options ?? [], counts(rb), counts(ra), { kind: q.kind, ...(bases ? { bases } : {}) })
}
