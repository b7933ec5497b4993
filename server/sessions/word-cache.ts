import type { WordEdits } from '../../shared/survey.ts'
import { countOptions } from '../../shared/word-edits.ts'
import { countWords, extractWords } from '../../shared/words.ts'
import type { WordCounter } from '../board/surveys.ts'

/**
 * The kiosk's word counter for the cloud: `countWords` with the facilitator's hidden and merged
 * words, remembering each answer's words once segmented. Segmenting is the costly part (about
 * 0.1 ms an answer); a hide or a merge recounts every round of a question, and a room clicking
 * through its cloud must not segment every answer again each time. Bounded: the least recently
 * used answers are forgotten first.
 */
export function cachedWordCounter(maxAnswers: number): WordCounter {
  const seen = new Map<string, readonly string[]>()
  const extract = (answer: string): readonly string[] => {
    const kept = seen.get(answer)
    if (kept) {
      seen.delete(answer)
      seen.set(answer, kept)
      return kept
    }
    const words = extractWords(answer)
    seen.set(answer, words)
    if (seen.size > maxAnswers) seen.delete(seen.keys().next().value!)
    return words
  }
  return (answers: readonly string[], edits?: WordEdits) => countWords(answers, { ...countOptions(edits), extract })
}
