import type { SessionRecord } from './record.ts'
import { LABELS, type RecordLang } from './labels.ts'
import { localDateTime } from './titles.ts'
import { NOTES_PER_STEP, runNow } from './in-turns.ts'

/** The ISO column's name: the same instant in UTC, for programs (the one before is for people). */
export const ISO_COLUMN: Record<RecordLang, string> = { ja: '投稿日時（ISO 8601・UTC）', en: 'Posted at (ISO 8601, UTC)' }

/**
 * The record as CSV for Excel in Japan: UTF-8 with a BOM (or Excel reads it as Shift_JIS and
 * shows mojibake), CRLF line ends, every cell quoted, and cells that a spreadsheet would run as
 * a formula neutralised with a leading apostrophe.
 */
const FORMULA_START = /^[=+\-@\t\r]/

export function csvCell(value: string | number): string {
  let s = String(value)
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`
  return `"${s.replace(/"/g, '""')}"`
}

export function toCsv(record: SessionRecord, lang: RecordLang = 'ja'): string {
  return runNow(csvSteps(record, lang))
}

/** The CSV, written with a pause every `NOTES_PER_STEP` notes (see markdownSteps). */
export function* csvSteps(record: SessionRecord, lang: RecordLang = 'ja'): Generator<void, string> {
  const L = LABELS[lang]
  const promptText = new Map(record.prompts.map((p) => [p.id, p.text]))
  const groupPath = new Map(record.groups.map((g) => [g.id, g.path.join(' > ')]))
  const lines: string[] = [[L.prompt, L.group, L.text, L.votes, L.status, L.postedAt, ISO_COLUMN[lang]].map(csvCell).join(',')]
  for (const n of record.notes) {
    const row: Array<string | number> = [
      promptText.get(n.promptId) ?? record.session.prompt,
      n.groupId ? (groupPath.get(n.groupId) ?? '') : '',
      n.text,
      n.votes,
      L.statuses[n.status],
      // The kiosk's local time, in a form spreadsheets read as a date; ISO beside it.
      localDateTime(Date.parse(n.createdAt)),
      n.createdAt,
    ]
    lines.push(row.map(csvCell).join(','))
    if (lines.length % NOTES_PER_STEP === 0) yield
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n'
}
