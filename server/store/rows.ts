import type { Row } from './sql.ts'
import type { SessionRow } from './store.ts'

/** Builders of the rows a change stores, so callers never spell a statement's parameters. */
export const rows = {
  /** these updates, merged by the writer thread into rows of at most LOG_ROW_BYTES */
  append: (sessionId: string, updates: Uint8Array[]): Row => ['appendUpdate', sessionId, updates],
  /** the log so far and these updates, merged by the writer thread into as few rows as fit */
  compact: (sessionId: string, updates: Uint8Array[]): Row => ['compactUpdates', sessionId, updates],
  /** the whole log replaced by one update holding the whole state */
  replace: (sessionId: string, state: Uint8Array): Row[] => [
    ['deleteUpdates', sessionId],
    ['appendUpdate', sessionId, state],
  ],
  noteId: (sessionId: string, clientId: string, noteId: string, deviceId: string | null, at: number): Row => [
    'insertNoteId',
    sessionId,
    clientId,
    noteId,
    deviceId,
    at,
  ],
  dots: (sessionId: string, voteId: string, phoneKey: string, noteId: string, dots: number): Row => ['setDots', sessionId, voteId, phoneKey, noteId, dots],
  /** `answers` as JSON (one value per question); `phoneKey` never leaves the store */
  surveyAnswer: (sessionId: string, surveyId: string, round: number, phoneKey: string, answers: string, at: number): Row => [
    'setSurveyAnswer',
    sessionId,
    surveyId,
    round,
    phoneKey,
    answers,
    at,
  ],
  questionId: (sessionId: string, clientId: string, questionId: string, deviceId: string | null, at: number): Row => [
    'insertQuestionId',
    sessionId,
    clientId,
    questionId,
    deviceId,
    at,
  ],
  upvote: (sessionId: string, questionId: string, phoneKey: string, on: boolean): Row => [on ? 'addUpvote' : 'removeUpvote', sessionId, questionId, phoneKey],
  /** a deleted question's upvotes go with it */
  dropUpvotes: (sessionId: string, questionId: string): Row => ['deleteUpvotesOf', sessionId, questionId],
  newSession: (row: SessionRow, state: Uint8Array): Row[] => [
    ['insertSession', row.id, row.title, row.prompt, row.boardKey, row.createdAt],
    ['appendUpdate', row.id, state],
  ],
  deleteSession: (id: string): Row => ['deleteSession', id],
  summary: (id: string, summary: { notes: number; closed: boolean }): Row => ['setSummary', JSON.stringify(summary), id],
  texts: (id: string, title: string, prompt: string): Row => ['setTexts', title, prompt, id],
  setting: (key: string, value: string): Row => ['setSetting', key, value],
  /** a setting written only when it has none yet (the first of several nodes wins) */
  settingIfAbsent: (key: string, value: string): Row => ['addSetting', key, value],
}
