import { ERROR_CODES, type ErrorCode } from '../../../shared/errors.ts'
import type { SurveyAnswerValue } from '../../../shared/protocol.ts'
import { readJson, writeJson } from '../lib/storage.ts'

/**
 * This phone's answers to survey rounds, kept in localStorage like its notes (outbox.ts): an
 * answer given in a Wi-Fi dead spot, or just before the browser was closed, still goes out once
 * the phone is back. Answering a round again replaces the answer (the kiosk counts a phone once).
 */
export type AnswerState = 'queued' | 'sending' | 'sent' | 'refused'

export interface MyAnswer {
  surveyId: string
  round: number
  answers: SurveyAnswerValue[]
  state: AnswerState
  error?: ErrorCode
}

/** Rounds remembered per session (a session rarely has more than a few). */
const KEEP = 20
const STATES: readonly AnswerState[] = ['queued', 'sending', 'sent', 'refused']

export const answersKey = (sessionId: string): string => `kurumaza.answers.${sessionId}`

function parseAnswer(value: unknown): MyAnswer | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if (typeof v.surveyId !== 'string' || typeof v.round !== 'number' || !Array.isArray(v.answers) || !STATES.includes(v.state as AnswerState)) return undefined
  // A page closed while an answer was in flight cannot know whether it arrived: send it again (it replaces itself).
  const answer: MyAnswer = { surveyId: v.surveyId, round: v.round, answers: v.answers as SurveyAnswerValue[], state: v.state === 'sending' ? 'queued' : (v.state as AnswerState) }
  if (ERROR_CODES.includes(v.error as ErrorCode)) answer.error = v.error as ErrorCode
  return answer
}

export function loadAnswers(sessionId: string): MyAnswer[] {
  const raw = readJson(answersKey(sessionId))
  return Array.isArray(raw) ? raw.map(parseAnswer).filter((a): a is MyAnswer => a !== undefined) : []
}

export function saveAnswers(sessionId: string, answers: readonly MyAnswer[]): void {
  writeJson(answersKey(sessionId), answers.slice(-KEEP))
}

/** The list with this round's answer put in (replacing an earlier one), queued to be sent. */
export function putAnswer(list: readonly MyAnswer[], surveyId: string, round: number, answers: SurveyAnswerValue[]): MyAnswer[] {
  return [...list.filter((a) => a.surveyId !== surveyId || a.round !== round), { surveyId, round, answers, state: 'queued' }]
}
