import express, { type Router } from 'express'
import { parse } from 'csv-parse/sync'
import { readSurvey, readSurveyWordEdits } from '../../shared/board-doc.ts'
import type { SurveyQuestion } from '../../shared/board.ts'
import { isSessionId } from '../../shared/ids.ts'
import { checkLine } from '../../shared/text.ts'
import { addImportedRound, aggregate, checkAnswers, type AnswerValue } from '../board/surveys.ts'
import type { Kiosk } from '../context.ts'
import { rows } from '../store/rows.ts'
import { requireFacilitator } from './auth.ts'

/**
 * A round of a survey from a CSV: answers gathered before the day on paper or in a web form.
 * One row per respondent after a header row, one column per question in order (a form's export
 * with a timestamp first is read too). A cell holds an option's text or number (from 1), several
 * of them for a multiple choice (separated by ; 、 or ,), a scale's value, a text, or nothing
 * (skipped). The file is untrusted: every cell is checked like a phone's answer, and a file with
 * any bad row is refused whole, naming the row.
 */
const SEPARATORS = /\s*[;；、,，]\s*/

/** One cell as an answer, or 'bad'. */
function cellAnswer(q: SurveyQuestion, raw: string): AnswerValue | 'bad' {
  const cell = raw.normalize('NFKC').trim()
  if (cell === '') return null
  const option = (s: string): number | 'bad' => {
    const byText = q.options!.findIndex((o) => o.normalize('NFKC') === s)
    if (byText >= 0) return byText
    return /^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= q.options!.length ? Number(s) - 1 : 'bad'
  }
  if (q.kind === 'choice') return option(cell)
  if (q.kind === 'multi') {
    const picked = cell.split(SEPARATORS).filter((s) => s !== '').map(option)
    return picked.includes('bad') ? 'bad' : [...new Set(picked as number[])]
  }
  if (q.kind === 'scale') return /^-?\d+$/.test(cell) ? Number(cell) : 'bad'
  // text: the raw cell, cleaned and measured like a note by checkAnswers
  return raw
}

export function surveyImportRoutes(kiosk: Kiosk): Router {
  const router = express.Router()
  const { limits } = kiosk.config
  const body = express.text({ type: ['text/csv', 'text/plain'], limit: limits.maxImportBytes })

  router.post('/api/sessions/:id/surveys/:surveyId/rounds', requireFacilitator(kiosk), body, async (req, res) => {
    const session = isSessionId(req.params.id) ? kiosk.sessions.get(req.params.id) : undefined
    if (!session) return void res.status(404).json({ error: 'not_found' })
    const survey = readSurvey(session.doc, String(req.params.surveyId))
    if (!survey) return void res.status(404).json({ error: 'not_found' })
    if (typeof req.body !== 'string') return void res.status(400).json({ error: 'invalid' })
    const label = checkLine(typeof req.query.label === 'string' ? req.query.label : '', limits.maxRoundLabelChars, true)
    if (!label.ok) return void res.status(400).json({ error: label.error })
    if (survey.rounds.length >= limits.maxRoundsPerSurvey) return void res.status(400).json({ error: 'full' })
    let table: string[][]
    try {
      table = parse(req.body, { bom: true, skip_empty_lines: true, relax_column_count: false, max_record_size: limits.maxImportBytes }) as string[][]
    } catch {
      return void res.status(400).json({ error: 'invalid' })
    }
    const [header, ...lines] = table
    const n = survey.questions.length
    // A form's export puts a timestamp before the answers.
    const skip = header?.length === n + 1 ? 1 : 0
    if (!header || header.length !== n + skip) return void res.status(400).json({ error: 'invalid' })
    if (lines.length > limits.maxImportedAnswers) return void res.status(400).json({ error: 'full' })
    const respondents: AnswerValue[][] = []
    for (const [i, line] of lines.entries()) {
      const cells = line.slice(skip)
      if (cells.every((c) => c.trim() === '')) continue
      const raw = survey.questions.map((q, qi) => cellAnswer(q, cells[qi] ?? ''))
      const checked = raw.includes('bad') ? undefined : checkAnswers(survey.questions, raw, limits.maxNoteChars)
      // An answer sheet left blank is not a respondent; any other bad row refuses the file.
      if (checked && !checked.ok && checked.error === 'empty') continue
      if (!checked?.ok) return void res.status(400).json({ error: checked?.ok === false && checked.error === 'too_long' ? 'too_long' : 'invalid', row: i + 2 })
      respondents.push(checked.answers)
    }
    const now = Date.now()
    const results = aggregate(survey.questions, respondents, kiosk.countWords, readSurveyWordEdits(session.doc, survey.id, survey.questions.length))
    let round: number | undefined
    // The round and its answer rows in one transaction: a round is never there without its answers.
    await session.commit({
      apply: (doc) => (round = addImportedRound(doc, survey.id, label.text, now, results)),
      rows: (r) => (r === undefined ? [] : respondents.map((a, i) => rows.surveyAnswer(session.id, survey.id, r, `i:${i + 1}`, JSON.stringify(a), now))),
    })
    if (round === undefined) return void res.status(404).json({ error: 'not_found' })
    res.status(201).json({ ok: true, round, responses: respondents.length })
  })
  return router
}
