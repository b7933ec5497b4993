import type { SessionRecord } from './record.ts'
import { csvCell, ISO_COLUMN } from './csv.ts'
import { LABELS, type RecordLang } from './labels.ts'
import { localDateTime } from './titles.ts'

/**
 * Questions to the speaker in the minutes and in a spreadsheet: ranked by upvotes (the record
 * already holds them in that order), answered ones marked. Equal counts share a place.
 */
type Question = SessionRecord['questions'][number]

function ranks(questions: readonly Question[]): number[] {
  const out: number[] = []
  questions.forEach((q, i) => out.push(i > 0 && questions[i - 1]!.votes === q.votes ? out[i - 1]! : i + 1))
  return out
}

/** Markdown lines for the questions (heading, list, blank line), or none when there were none. */
export function questionLines(record: SessionRecord, lang: RecordLang, escape: (text: string) => string): string[] {
  const questions = record.questions ?? []
  if (questions.length === 0) return []
  const L = LABELS[lang]
  const out = [`## ${L.questions}`, '']
  const rank = ranks(questions)
  questions.forEach((q, i) => {
    const answered = q.answered ? ` ✓ ${L.answered}` : ''
    const status = q.status !== 'visible' ? ` [${L.statuses[q.status]}]` : ''
    out.push(`- ${L.rankedQuestion(rank[i]!, escape(q.text), q.votes)}${answered}${status}`)
  })
  if (!record.includesHidden && record.counts.questions > questions.length) out.push('', L.hiddenQuestions)
  out.push('')
  return out
}

/** The questions as their own CSV (UTF-8 with a BOM, CRLF, every cell quoted), like the notes'. */
export function questionsCsv(record: SessionRecord, lang: RecordLang = 'ja'): string {
  const L = LABELS[lang]
  const rows: Array<Array<string | number>> = [[L.question, L.upvotes, L.answered, L.status, L.askedAt, ISO_COLUMN[lang]]]
  for (const q of record.questions ?? []) {
    rows.push([q.text, q.votes, q.answered ? L.answered : '', L.statuses[q.status], localDateTime(Date.parse(q.askedAt)), q.askedAt])
  }
  return '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}
