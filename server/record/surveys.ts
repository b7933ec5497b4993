import type * as Y from 'yjs'
import { readResults, readSurveys, readSurveyWordEdits } from '../../shared/board-doc.ts'
import type { QuestionResult, RoundResults, SurveyQuestion } from '../../shared/board.ts'
import type { WordEdits } from '../../shared/survey.ts'
import { hasEdits } from '../../shared/word-edits.ts'
import { aggregate, emptyResult, type AnswerValue, type WordCounter } from '../board/surveys.ts'
import { csvCell } from './csv.ts'
import type { RecordLang } from './labels.ts'
import { localDateTime } from './titles.ts'

/** One respondent's answers to a round, as stored (who it was stays in the store). */
export interface AnswerRow {
  answers: AnswerValue[]
  answeredAt: number
}

/** A survey in the record (the contract's shape, plus when each round ran). */
export interface RecordSurvey {
  id: string
  title: string
  questions: SurveyQuestion[]
  /** the text questions' hidden and merged words (`index`: the question's, from 0), when the facilitator made any */
  wordEdits?: Array<{ index: number } & WordEdits>
  rounds: Array<{
    round: number
    label: string
    responses: number
    results: QuestionResult[]
    openedAt: string
    closedAt?: string
    /** came from a CSV or an imported record: answers gathered elsewhere */
    imported?: boolean
  }>
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Every survey with each round's results: counted from the stored answers, or (a round brought
 * in with an imported record, which has no answer rows) the counts the document holds.
 */
export function surveyRecords(doc: Y.Doc, answersOf: (surveyId: string, round: number) => AnswerRow[], countWords: WordCounter): RecordSurvey[] {
  return readSurveys(doc).map((s) => {
    const edits = readSurveyWordEdits(doc, s.id, s.questions.length)
    const wordEdits = edits.flatMap((e, index) => (hasEdits(e) ? [{ index, hidden: e.hidden, merged: e.merged }] : []))
    const rounds = s.rounds.map((r) => {
      const rows = answersOf(s.id, r.round)
      const counted =
        rows.length > 0
          ? aggregate(s.questions, rows.map((a) => a.answers), countWords, edits)
          : recounted(readResults(doc, s.id, r.round) ?? { responses: 0, results: s.questions.map(emptyResult) }, countWords, edits)
      return {
        round: r.round,
        label: r.label,
        responses: counted.responses,
        results: counted.results,
        openedAt: iso(r.openedAt),
        ...(r.closedAt !== undefined ? { closedAt: iso(r.closedAt) } : {}),
        ...(r.imported ? { imported: true } : {}),
      }
    })
    return { id: s.id, title: s.title, questions: s.questions, ...(wordEdits.length > 0 ? { wordEdits } : {}), rounds }
  })
}

/** A round brought in with an imported record has no answer rows: its text words are counted again from its answers, with the edits. */
function recounted(counted: RoundResults, countWords: WordCounter, edits: readonly WordEdits[]): RoundResults {
  return {
    responses: counted.responses,
    results: counted.results.map((r, i) => (Array.isArray(r) || !edits[i] || !hasEdits(edits[i]) ? r : { answers: r.answers, words: countWords(r.answers, edits[i]) })),
  }
}

const SURVEY_WORDS = {
  ja: {
    survey: 'アンケート',
    round: '回',
    responses: (n: number) => `回答 ${n}件`,
    option: '選択肢',
    value: '値',
    count: '件数',
    mean: '平均',
    answers: '回答',
    words: 'よく出た語',
    change: (a: string, b: string) => `変化（${a} → ${b}）`,
    diff: '差',
    rose: '増えた語',
    fell: '減った語',
    none: 'なし',
    merged: '語のまとめ',
    hidden: (n: number) => `雲から外した語: ${n}語（回答はそのまま）`,
    kinds: { choice: '単一選択', multi: '複数選択', scale: '尺度', text: '自由記述' },
    csv: ['アンケート', '回', '回のラベル', '回答者', '設問番号', '設問', '種類', '回答', '回答日時', '回答日時（ISO 8601・UTC）'],
  },
  en: {
    survey: 'Survey',
    round: 'Round',
    responses: (n: number) => `${n} ${n === 1 ? 'response' : 'responses'}`,
    option: 'Option',
    value: 'Value',
    count: 'Count',
    mean: 'Mean',
    answers: 'Answers',
    words: 'Frequent words',
    change: (a: string, b: string) => `Change (${a} → ${b})`,
    diff: 'Change',
    rose: 'Words that rose',
    fell: 'Words that fell',
    none: 'none',
    merged: 'Words merged',
    hidden: (n: number) => `Words left out of the cloud: ${n} (the answers are as written)`,
    kinds: { choice: 'single choice', multi: 'multiple choice', scale: 'scale', text: 'text' },
    csv: ['Survey', 'Round', 'Round label', 'Respondent', 'Question no.', 'Question', 'Kind', 'Answer', 'Answered at', 'Answered at (ISO 8601, UTC)'],
  },
} as const

/** Labels of a question's bars: its options, or its scale values (with the end labels). */
function barLabels(q: SurveyQuestion): string[] {
  if (q.kind === 'scale') {
    const values = Array.from({ length: q.max! - q.min! + 1 }, (_, i) => String(q.min! + i))
    if (q.minLabel) values[0] = `${values[0]} (${q.minLabel})`
    if (q.maxLabel) values[values.length - 1] = `${values.at(-1)} (${q.maxLabel})`
    return values
  }
  return q.options ?? []
}

function mean(counts: readonly number[], min: number): number | null {
  const n = counts.reduce((a, b) => a + b, 0)
  return n === 0 ? null : counts.reduce((a, c, i) => a + c * (min + i), 0) / n
}

const fixed = (v: number | null) => (v === null ? '—' : v.toFixed(2))
const signed = (n: number) => (n > 0 ? `+${n}` : String(n))

/** The surveys as Markdown: a table per question per round, then what changed between the last two rounds. */
export function surveyMarkdown(surveys: readonly RecordSurvey[], lang: RecordLang, esc: (s: string) => string): string[] {
  const W = SURVEY_WORDS[lang]
  const out: string[] = []
  for (const s of surveys) {
    out.push(`## ${W.survey}: ${esc(s.title)}`, '')
    for (const r of s.rounds) out.push(`- ${esc(r.label || `${W.round} ${r.round}`)}: ${W.responses(r.responses)}`)
    out.push('')
    s.questions.forEach((q, qi) => {
      out.push(`### Q${qi + 1}. ${esc(q.text)} (${W.kinds[q.kind]})`, '')
      // The cloud's words below follow the facilitator's merges; hidden words are only counted here
      // (one may name someone, and minutes travel further than the record file).
      const edits = s.wordEdits?.find((e) => e.index === qi)
      if (edits && edits.merged.length > 0) out.push(`${W.merged}: ${edits.merged.map((m) => `${esc(m.word)} → ${esc(m.into)}`).join('、')}`, '')
      if (edits && edits.hidden.length > 0) out.push(W.hidden(edits.hidden.length), '')
      const label = (r: RecordSurvey['rounds'][number]) => esc(r.label || `${W.round} ${r.round}`)
      for (const r of s.rounds) {
        const result = r.results[qi]
        out.push(`#### ${label(r)}`, '')
        if (Array.isArray(result)) {
          out.push(`| ${q.kind === 'scale' ? W.value : W.option} | ${W.count} |`, '| --- | ---: |')
          barLabels(q).forEach((l, i) => out.push(`| ${esc(l)} | ${result[i] ?? 0} |`))
          out.push('')
          if (q.kind === 'scale') out.push(`${W.mean}: ${fixed(mean(result, q.min!))}`, '')
        } else if (result) {
          for (const a of result.answers) out.push(`- ${esc(a)}`)
          if (result.answers.length === 0) out.push(`- ${W.none}`)
          out.push('')
          if (result.words.length > 0) out.push(`${W.words}: ${result.words.slice(0, 15).map((w) => `${esc(w.word)} (${w.count})`).join('、')}`, '')
        }
      }
      // What changed: the last two rounds side by side.
      if (s.rounds.length < 2) return
      const [a, b] = s.rounds.slice(-2) as [RecordSurvey['rounds'][number], RecordSurvey['rounds'][number]]
      const ra = a.results[qi]
      const rb = b.results[qi]
      out.push(`#### ${W.change(label(a), label(b))}`, '')
      if (Array.isArray(ra) && Array.isArray(rb)) {
        out.push(`| ${q.kind === 'scale' ? W.value : W.option} | ${label(a)} | ${label(b)} | ${W.diff} |`, '| --- | ---: | ---: | ---: |')
        barLabels(q).forEach((l, i) => out.push(`| ${esc(l)} | ${ra[i] ?? 0} | ${rb[i] ?? 0} | ${signed((rb[i] ?? 0) - (ra[i] ?? 0))} |`))
        out.push('')
        if (q.kind === 'scale') {
          const ma = mean(ra, q.min!)
          const mb = mean(rb, q.min!)
          const shift = ma !== null && mb !== null ? ` (${mb - ma >= 0 ? '+' : ''}${(mb - ma).toFixed(2)})` : ''
          out.push(`${W.mean}: ${fixed(ma)} → ${fixed(mb)}${shift}`, '')
        }
      } else if (ra && rb && !Array.isArray(ra) && !Array.isArray(rb)) {
        const before = new Map(ra.words.map((w) => [w.word, w.count]))
        const after = new Map(rb.words.map((w) => [w.word, w.count]))
        const deltas = [...new Set([...before.keys(), ...after.keys()])].map((w) => ({ w, d: (after.get(w) ?? 0) - (before.get(w) ?? 0) }))
        const list = (xs: typeof deltas) => (xs.length ? xs.slice(0, 10).map((x) => `${esc(x.w)} (${signed(x.d)})`).join('、') : W.none)
        out.push(`- ${W.rose}: ${list(deltas.filter((x) => x.d > 0).sort((x, y) => y.d - x.d))}`)
        out.push(`- ${W.fell}: ${list(deltas.filter((x) => x.d < 0).sort((x, y) => x.d - y.d))}`, '')
      }
    })
  }
  return out
}

/** One answer as a spreadsheet cell: option texts (multi joined by "; "), the value, or the text. */
function answerCell(q: SurveyQuestion, a: AnswerValue): string | number {
  if (a === null) return ''
  if (q.kind === 'choice' && typeof a === 'number') return q.options?.[a] ?? ''
  if (q.kind === 'multi' && Array.isArray(a)) return a.map((i) => q.options?.[i] ?? '').join('; ')
  return typeof a === 'number' || typeof a === 'string' ? a : ''
}

/**
 * The surveys' answers as CSV (Excel in Japan: UTF-8 with BOM, CRLF, formula-safe cells, as
 * record/csv.ts): one row per answer. A respondent is a number within its round, in the order
 * they answered: rows of one sheet belong together, and nothing ties them to a phone or to the
 * same person in another round.
 */
export function toSurveyCsv(surveys: readonly RecordSurvey[], answersOf: (surveyId: string, round: number) => AnswerRow[], lang: RecordLang = 'ja'): string {
  const W = SURVEY_WORDS[lang]
  const rows: Array<Array<string | number>> = [[...W.csv]]
  for (const s of surveys) {
    for (const r of s.rounds) {
      answersOf(s.id, r.round).forEach((respondent, n) => {
        s.questions.forEach((q, qi) => {
          const a = respondent.answers[qi] ?? null
          if (a === null) return
          rows.push([s.title, r.round, r.label, n + 1, qi + 1, q.text, W.kinds[q.kind], answerCell(q, a), localDateTime(respondent.answeredAt), iso(respondent.answeredAt)])
        })
      })
    }
  }
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

