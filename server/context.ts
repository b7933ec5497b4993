import type { Config } from './config.ts'
import type { AuthThrottle, ConnectionCounter, RateLimiter } from './guard.ts'
import type { Logger } from './log.ts'
import type { AddressAllowance } from './realtime/allowance.ts'
import type { Persistence } from './sessions/persistence.ts'
import type { SessionRegistry } from './sessions/registry.ts'
import type { WordFilter } from './board/words.ts'
import type { SessionTimers } from './sessions/timers.ts'
import type { SurveyResults } from './sessions/survey-results.ts'
import type { WordCounter } from './board/surveys.ts'

/** What handlers may read from the store and the one thing they may write beside boards. */
export interface Records {
  /** a phone's dots in one vote, by note */
  myDots(sessionId: string, voteId: string, phoneKey: string): Record<string, number>
  /** how many phones posted in a session (a count only: device ids never leave the store) */
  phonesPosted(sessionId: string): number
  /** phones with at least one dot in a vote (the turnout; who they are stays in the store) */
  voters(sessionId: string, voteId: string): number
  /** every respondent's answers to a survey's round (JSON, oldest first), without who gave them */
  surveyAnswers(sessionId: string, surveyId: string, round: number): Array<{ answers: string; answeredAt: number }>
  /** answer rows of a survey over all its rounds (a survey with any cannot be edited) */
  surveyAnswered(sessionId: string, surveyId: string): number
  /** one phone's answers to a round (JSON), to fill its form again */
  myAnswer(sessionId: string, surveyId: string, round: number, phoneKey: string): string | undefined
  /** the questions phones asked in a session, by the phone's own id (idempotency) */
  questionIds(sessionId: string): Array<{ clientId: string; questionId: string; deviceId: string | null }>
  /** who upvoted which question in a session */
  upvotes(sessionId: string): Array<{ questionId: string; phoneKey: string }>
  /** a kiosk-wide setting (the word list) */
  saveSetting(key: string, value: string): Promise<void>
}

/** What every transport adapter is handed: the kiosk's parts, never a global. */
export interface Kiosk {
  config: Config
  sessions: SessionRegistry
  /** the store's health: `storeError` and its listeners */
  storage: Pick<Persistence, 'storeError' | 'health'>
  records: Records
  /** the facilitator token in force */
  token: string
  /** notes containing these words wait for the facilitator, whatever the moderation mode */
  words: WordFilter
  timers: SessionTimers
  /** Socket.io and Yjs connections: what `maxConnectionsPerAddress` and `maxConnectionsTotal` cap */
  connections: ConnectionCounter
  /** Engine.IO transports, handshakes included: what `maxTransportsPerAddress` and `maxTransportsTotal` cap */
  transports: ConnectionCounter
  /** wrong tokens and keys, per address */
  authFailures: AuthThrottle
  notesPerPhone: RateLimiter
  notesPerAddress: RateLimiter
  /** survey answers sent per phone (a changed answer counts again) */
  answersPerPhone: RateLimiter
  /** survey rounds' counts, written into the documents at most once per interval */
  surveyResults: SurveyResults
  /** words of text answers for the cloud, with the facilitator's hidden and merged words (remembers segmented answers) */
  countWords: WordCounter
  questionsPerPhone: RateLimiter
  questionsPerAddress: RateLimiter
  upvotesPerPhone: RateLimiter
  /** every per-phone budget (votes, upvotes, survey rounds) held per address as well */
  allowance: AddressAllowance
  /** whether per-address limits pass this address by (loopback, unless config.loopbackExempt is false) */
  exempt(address: string): boolean
  /** joinUrl, boardUrl and facilitatorUrl are built on this (no trailing slash) */
  publicBase(): string
  /** PUBLIC_URL's origin when one was configured: accepted as a page origin besides the Host */
  publicOrigin: string | undefined
  log: Logger
}
