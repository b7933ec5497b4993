import * as Y from 'yjs'
import { readResults, readSurvey, readSurveyWordEdits, resultsKey, surveyResultsMap, surveysMap, wordEditsKey } from '../../shared/board-doc.ts'
import { fail, type ErrorCode } from '../../shared/errors.ts'
import type { Limits } from '../../shared/limits.ts'
import type { WordEdits } from '../../shared/survey.ts'
import { editWords, hasEdits, type WordEditRequest } from '../../shared/word-edits.ts'
import { SERVER_ORIGIN } from './rules.ts'
import type { WordCounter } from './surveys.ts'

/**
 * The facilitator's hidden and merged words of a text question's cloud, as a board rule (see
 * rules.ts). They are kept in the survey's entry of the facilitator's document (`words:<n>`),
 * never on a board: a hidden word may be what identifies someone. Every round's words are
 * counted again from its answers in the same transaction, so every screen and the comparison of
 * rounds follow at once, from the counts alone.
 */
export function editCloudWords(
  doc: Y.Doc,
  surveyId: string,
  question: number,
  req: WordEditRequest,
  limits: Pick<Limits, 'maxHiddenWordsPerQuestion' | 'maxMergedWordsPerQuestion'>,
  countWords: WordCounter,
): ({ ok: true } & WordEdits) | { ok: false; error: ErrorCode } {
  const survey = readSurvey(doc, surveyId)
  const entry = surveysMap(doc).get(surveyId)
  if (!survey || !(entry instanceof Y.Map)) return fail('not_found')
  const q = survey.questions[question]
  if (!q) return fail('not_found')
  if (q.kind !== 'text') return fail('invalid')
  const before = readSurveyWordEdits(doc, surveyId, survey.questions.length)[question]!
  const next = editWords(before, req, limits)
  if (!next.ok) return next
  const { edits } = next
  if (edits === before) return { ok: true, ...edits }
  doc.transact(() => {
    if (hasEdits(edits)) entry.set(wordEditsKey(question), edits)
    else entry.delete(wordEditsKey(question))
    for (const r of survey.rounds) {
      const counted = readResults(doc, surveyId, r.round)
      const result = counted?.results[question]
      if (!counted || !result || Array.isArray(result)) continue
      const results = counted.results.slice()
      results[question] = { answers: result.answers, words: countWords(result.answers, edits) }
      surveyResultsMap(doc).set(resultsKey(surveyId, r.round), { responses: counted.responses, results })
    }
  }, SERVER_ORIGIN)
  return { ok: true, ...edits }
}
