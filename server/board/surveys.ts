import * as Y from 'yjs'
import { agendaMap, readAgenda, readSurvey, readSurveys, resultsKey, surveyResultsMap, surveysMap, WORD_EDITS_PREFIX } from '../../shared/board-doc.ts'
import type { QuestionResult, RoundResults, SurveyFields, SurveyQuestion, SurveyRoundInfo } from '../../shared/board.ts'
import type { WordEdits } from '../../shared/survey.ts'
import { fail, type ErrorCode } from '../../shared/errors.ts'
import type { Limits } from '../../shared/limits.ts'
import { checkLine, checkNoteText } from '../../shared/text.ts'
import type { surveyCreateSchema } from '../../shared/schemas.ts'
import type { z } from 'zod'
import { SERVER_ORIGIN } from './rules.ts'

/**
 * Surveys and polls as plain functions over a session's Y.Doc (see rules.ts), and the checks of
 * what the facilitator defines and what phones answer. Who answered what is never here: answers
 * are rows in the store; the document holds the definitions, the rounds and their counts.
 */
const tx = (doc: Y.Doc, fn: () => void) => doc.transact(fn, SERVER_ORIGIN)

type SurveyInput = z.output<typeof surveyCreateSchema>
type Verdict<T> = ({ ok: true } & T) | { ok: false; error: ErrorCode }

/** Clean a survey's title and questions (like titles and prompts); scale bounds get their defaults. */
export function checkSurvey(input: SurveyInput, limits: Limits): Verdict<{ title: string; questions: SurveyQuestion[] }> {
  const title = checkLine(input.title, limits.maxTitleChars, false)
  if (!title.ok) return fail(title.error)
  const questions: SurveyQuestion[] = []
  for (const q of input.questions) {
    const text = checkLine(q.text, limits.maxQuestionChars, false)
    if (!text.ok) return fail(text.error)
    if (q.kind === 'choice' || q.kind === 'multi') {
      const options: string[] = []
      for (const o of q.options) {
        const opt = checkLine(o, limits.maxOptionChars, false)
        if (!opt.ok) return fail(opt.error)
        options.push(opt.text)
      }
      questions.push({ kind: q.kind, text: text.text, options })
    } else if (q.kind === 'scale') {
      const min = q.min ?? 1
      const max = q.max ?? 5
      if (max <= min || max - min + 1 > limits.maxScaleSteps) return fail('invalid')
      const labels: Pick<SurveyQuestion, 'minLabel' | 'maxLabel'> = {}
      for (const key of ['minLabel', 'maxLabel'] as const) {
        if (q[key] === undefined) continue
        const label = checkLine(q[key], limits.maxScaleLabelChars, true)
        if (!label.ok) return fail(label.error)
        if (label.text) labels[key] = label.text
      }
      questions.push({ kind: 'scale', text: text.text, min, max, ...labels })
    } else questions.push({ kind: 'text', text: text.text })
  }
  return { ok: true, title: title.text, questions }
}

export type AnswerValue = number | number[] | string | null

/**
 * A respondent's answers checked against the questions: an option index (choice), distinct
 * option indexes (multi), a value in [min, max] (scale), a text cleaned like a note (text), or
 * null (skipped). An empty text counts as skipped; answering nothing at all is `empty`.
 */
export function checkAnswers(questions: readonly SurveyQuestion[], raw: readonly unknown[], maxChars: number): Verdict<{ answers: AnswerValue[] }> {
  if (raw.length !== questions.length) return fail('invalid')
  const answers: AnswerValue[] = []
  for (let i = 0; i < questions.length; i++) {
    const q = questions[i]!
    const a = raw[i]
    if (a === null) {
      answers.push(null)
      continue
    }
    if (q.kind === 'choice') {
      if (!Number.isInteger(a) || (a as number) < 0 || (a as number) >= q.options!.length) return fail('invalid')
      answers.push(a as number)
    } else if (q.kind === 'multi') {
      if (!Array.isArray(a) || !a.every((n) => Number.isInteger(n) && n >= 0 && n < q.options!.length)) return fail('invalid')
      const picked = [...new Set(a as number[])].sort((x, y) => x - y)
      if (picked.length !== a.length) return fail('invalid')
      answers.push(picked.length > 0 ? picked : null)
    } else if (q.kind === 'scale') {
      if (!Number.isInteger(a) || (a as number) < q.min! || (a as number) > q.max!) return fail('invalid')
      answers.push(a as number)
    } else {
      if (typeof a !== 'string') return fail('invalid')
      const text = checkNoteText(a, maxChars)
      if (!text.ok && text.error === 'empty') answers.push(null)
      else if (!text.ok) return fail(text.error)
      else answers.push(text.text)
    }
  }
  if (answers.every((a) => a === null)) return fail('empty')
  return { ok: true, answers }
}

/** Words of text answers for the cloud, with the facilitator's hidden and merged words; plugged in by the caller (Japanese segmentation). */
export type WordCounter = (answers: readonly string[], edits?: WordEdits) => Array<{ word: string; count: number }>

/**
 * A round's counts from its respondents' answers: distributions only, nothing per person.
 * `edits`: per question, the words the facilitator hid or merged in its cloud.
 */
export function aggregate(
  questions: readonly SurveyQuestion[],
  respondents: ReadonlyArray<readonly AnswerValue[]>,
  countWords: WordCounter,
  edits: ReadonlyArray<WordEdits | undefined> = [],
): RoundResults {
  const results: QuestionResult[] = questions.map((q, i) => {
    if (q.kind === 'text') {
      const answers = respondents.map((r) => r[i]).filter((a): a is string => typeof a === 'string')
      return { answers, words: [] }
    }
    const size = q.kind === 'scale' ? q.max! - q.min! + 1 : q.options!.length
    return new Array<number>(size).fill(0)
  })
  respondents.forEach((answers) => {
    questions.forEach((q, i) => {
      const a = answers[i]
      const counts = results[i]
      if (!Array.isArray(counts) || a === null || a === undefined) return
      if (q.kind === 'scale' && typeof a === 'number' && a >= q.min! && a <= q.max!) counts[a - q.min!]!++
      else if (q.kind === 'choice' && typeof a === 'number' && a < counts.length) counts[a]!++
      else if (q.kind === 'multi' && Array.isArray(a)) for (const o of a) if (o < counts.length) counts[o]!++
    })
  })
  results.forEach((r, i) => {
    if (!Array.isArray(r)) r.words = countWords(r.answers, edits[i])
  })
  return { responses: respondents.length, results }
}

/** The next place at the end of the agenda. */
export function nextAgendaOrder(doc: Y.Doc): number {
  const agenda = readAgenda(doc)
  return agenda.length === 0 ? 0 : Math.max(...agenda.map((a) => (a.order === Number.MAX_SAFE_INTEGER ? 0 : a.order))) + 1
}

export function createSurvey(doc: Y.Doc, id: string, def: Pick<SurveyFields, 'title' | 'questions'>, now: number): void {
  tx(doc, () => {
    const order = nextAgendaOrder(doc)
    const entry = new Y.Map<unknown>()
    entry.set('title', def.title)
    entry.set('questions', def.questions)
    entry.set('createdAt', now)
    entry.set('rounds', [])
    surveysMap(doc).set(id, entry)
    agendaMap(doc).set(`survey:${id}`, { order })
  })
}

/** Replace a survey's title and questions (the caller checks it has no answers). */
export function editSurvey(doc: Y.Doc, id: string, def: Pick<SurveyFields, 'title' | 'questions'>): boolean {
  const entry = surveysMap(doc).get(id)
  if (!(entry instanceof Y.Map)) return false
  tx(doc, () => {
    entry.set('title', def.title)
    entry.set('questions', def.questions)
    // Hidden and merged words belonged to the questions replaced.
    for (const key of [...entry.keys()]) if (key.startsWith(WORD_EDITS_PREFIX)) entry.delete(key)
  })
  return true
}

/** Delete a survey, its rounds and their counts (the caller checks it has no answers). */
export function deleteSurvey(doc: Y.Doc, id: string): boolean {
  const survey = readSurvey(doc, id)
  if (!survey) return false
  tx(doc, () => {
    for (const r of survey.rounds) surveyResultsMap(doc).delete(resultsKey(id, r.round))
    surveysMap(doc).delete(id)
    agendaMap(doc).delete(`survey:${id}`)
  })
  return true
}

function setRounds(doc: Y.Doc, id: string, rounds: SurveyRoundInfo[]): void {
  const entry = surveysMap(doc).get(id)
  if (entry instanceof Y.Map) entry.set('rounds', rounds)
}

/** Close every open round of the session (only one may be open at a time). */
function closeOpenRounds(doc: Y.Doc, now: number, except?: string): void {
  for (const s of readSurveys(doc)) {
    if (s.id === except || !s.rounds.some((r) => r.open)) continue
    setRounds(doc, s.id, s.rounds.map((r) => (r.open ? { ...r, open: false, closedAt: now, shown: r.shown } : r)))
  }
}

/**
 * Open a new round of a survey, closing any other open round in the session. `live`: its
 * results are on the board as answers arrive. Returns the round's number, or undefined.
 */
export function openSurveyRound(doc: Y.Doc, id: string, label: string, live: boolean, now: number): number | undefined {
  const survey = readSurvey(doc, id)
  if (!survey) return undefined
  const round = Math.max(0, ...survey.rounds.map((r) => r.round)) + 1
  tx(doc, () => {
    closeOpenRounds(doc, now, id)
    const rounds = survey.rounds.map((r) => (r.open ? { ...r, open: false, closedAt: now } : r))
    rounds.push({ round, label, open: true, openedAt: now, shown: live })
    setRounds(doc, id, rounds)
    surveyResultsMap(doc).set(resultsKey(id, round), { responses: 0, results: survey.questions.map(emptyResult) })
  })
  return round
}

/** A closed round made from answers gathered elsewhere (a CSV): returns its number. */
export function addImportedRound(doc: Y.Doc, id: string, label: string, now: number, results: RoundResults): number | undefined {
  const survey = readSurvey(doc, id)
  if (!survey) return undefined
  const round = Math.max(0, ...survey.rounds.map((r) => r.round)) + 1
  tx(doc, () => {
    setRounds(doc, id, [...survey.rounds, { round, label, open: false, openedAt: now, closedAt: now, shown: false, imported: true }])
    surveyResultsMap(doc).set(resultsKey(id, round), results)
  })
  return round
}

/** Close a survey's open round; false when the survey is unknown. */
export function closeSurveyRound(doc: Y.Doc, id: string, now: number): boolean {
  const survey = readSurvey(doc, id)
  if (!survey) return false
  if (survey.rounds.some((r) => r.open)) tx(doc, () => setRounds(doc, id, survey.rounds.map((r) => (r.open ? { ...r, open: false, closedAt: now } : r))))
  return true
}

/** Show or hide a round's results on the board; false when the survey or round is unknown. */
export function revealSurveyRound(doc: Y.Doc, id: string, round: number | undefined, shown: boolean): boolean {
  const survey = readSurvey(doc, id)
  const target = round ?? survey?.rounds.at(-1)?.round
  if (!survey || target === undefined || !survey.rounds.some((r) => r.round === target)) return false
  tx(doc, () => setRounds(doc, id, survey.rounds.map((r) => (r.round === target ? { ...r, shown } : r))))
  return true
}

/** The server's counts of a round, into the document (the facilitator's; the board's projection follows). */
export function setRoundResults(doc: Y.Doc, id: string, round: number, results: RoundResults): void {
  if (!surveysMap(doc).has(id)) return
  tx(doc, () => surveyResultsMap(doc).set(resultsKey(id, round), results))
}

export function emptyResult(q: SurveyQuestion): QuestionResult {
  if (q.kind === 'text') return { answers: [], words: [] }
  return new Array<number>(q.kind === 'scale' ? q.max! - q.min! + 1 : q.options!.length).fill(0)
}
