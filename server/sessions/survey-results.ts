import { readSurvey, readSurveyWordEdits } from '../../shared/board-doc.ts'
import type { RoundResults } from '../../shared/board.ts'
import { aggregate, setRoundResults, type AnswerValue, type WordCounter } from '../board/surveys.ts'
import type { Logger } from '../log.ts'
import type { LiveSession } from './session.ts'

/** Where answers are read from: the store's rows, never anything naming a phone. */
export interface AnswerSource {
  surveyAnswers(sessionId: string, surveyId: string, round: number): Array<{ answers: string }>
}

/**
 * A round's counts, from the stored answers, into the facilitator's document (and so onto the
 * board when it may show them). Answers arrive in bursts (a room answering at once): each round's
 * counts are written at most once per `intervalMs`, so the document, its log and every board get
 * one small change per interval rather than one per answer, and the last answer is counted within
 * one interval.
 */
export class SurveyResults {
  /** session id → round keys with answers not yet counted */
  private readonly dirty = new Map<string, Map<string, { session: LiveSession; surveyId: string; round: number }>>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  /** a text question's words as last counted, by `<session>:<survey>:<round>:<text question n>` */
  private readonly words = new Map<string, { at: number; sig: string; words: Array<{ word: string; count: number }> }>()

  constructor(
    private readonly source: AnswerSource,
    private readonly countWords: WordCounter,
    private readonly intervalMs: number,
    /**
     * Words of text answers are counted again at most this often while answers arrive: segmenting
     * hundreds of Japanese answers takes tens of milliseconds, and doing it every interval held
     * acknowledgements back. The counts of options follow every interval; words are exact once
     * the round closes, and in the record.
     */
    private readonly wordsEveryMs: number,
    private readonly log: Logger,
  ) {}

  /** The counts of a round now, from its stored answers (undefined for an unknown survey). `fresh`: words counted now too. */
  count(session: LiveSession, surveyId: string, round: number, fresh = false): RoundResults | undefined {
    const survey = readSurvey(session.doc, surveyId)
    if (!survey) return undefined
    const respondents = this.source.surveyAnswers(session.id, surveyId, round).map((r) => parseAnswers(r.answers))
    const edits = readSurveyWordEdits(session.doc, surveyId, survey.questions.length)
    const now = Date.now()
    let n = 0
    const counter: WordCounter = (answers, questionEdits) => {
      const key = `${session.id}:${surveyId}:${round}:${n++}`
      // Words hidden or merged since: counted again at once, whatever the interval.
      const sig = JSON.stringify(questionEdits ?? null)
      const kept = this.words.get(key)
      if (!fresh && kept && kept.sig === sig && now - kept.at < this.wordsEveryMs) return kept.words
      const words = this.countWords(answers, questionEdits)
      this.words.set(key, { at: now, sig, words })
      return words
    }
    return aggregate(survey.questions, respondents, counter, edits)
  }

  /** A round got an answer: its counts follow within one interval. */
  touch(session: LiveSession, surveyId: string, round: number): void {
    let keys = this.dirty.get(session.id)
    if (!keys) this.dirty.set(session.id, (keys = new Map()))
    keys.set(`${surveyId}:${round}`, { session, surveyId, round })
    if (this.timers.has(session.id)) return
    const t = setTimeout(() => this.flush(session.id), this.intervalMs)
    t.unref()
    this.timers.set(session.id, t)
  }

  /** Write the counts of a session's rounds that changed (at once when a round closes); `fresh`: words too. */
  async flush(sessionId: string, fresh = false): Promise<void> {
    clearTimeout(this.timers.get(sessionId))
    this.timers.delete(sessionId)
    const keys = this.dirty.get(sessionId)
    this.dirty.delete(sessionId)
    for (const { session, surveyId, round } of keys?.values() ?? []) {
      const results = this.count(session, surveyId, round, fresh)
      if (!results) continue
      try {
        await session.commit({ apply: (doc) => setRoundResults(doc, surveyId, round, results) })
      } catch (err) {
        // The answers themselves are stored; the counts are written again with the next answer or export.
        this.log.warn(`survey counts of ${sessionId} not stored:`, err)
      }
    }
  }

  /** A session left memory: nothing more to write for it. */
  forget(sessionId: string): void {
    clearTimeout(this.timers.get(sessionId))
    this.timers.delete(sessionId)
    this.dirty.delete(sessionId)
    for (const key of [...this.words.keys()]) if (key.startsWith(`${sessionId}:`)) this.words.delete(key)
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
    this.dirty.clear()
    this.words.clear()
  }
}

/** A stored answer row's values (a row that cannot be read counts as all skipped). */
export function parseAnswers(json: string): AnswerValue[] {
  try {
    const v = JSON.parse(json) as unknown
    return Array.isArray(v) ? (v as AnswerValue[]) : []
  } catch {
    return []
  }
}
