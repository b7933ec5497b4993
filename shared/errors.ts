/** Failure reasons a client can be told, as codes it can switch on and translate. */
export const ERRORS = {
  /** The payload is not of the expected shape (wrong type, missing field, bad id). */
  invalid: 'invalid',
  /** The note is empty once cleaned (only spaces or invisible characters). */
  empty: 'empty',
  /** The note is longer than the session allows. */
  tooLong: 'too_long',
  /** Too many notes or connections from this phone or address; try again shortly. */
  rateLimited: 'rate_limited',
  /** The facilitator has locked posting for this session. */
  locked: 'locked',
  /** Questions are off (or the session is closed), or a survey's round is not open (closed, or another round is open now). */
  closed: 'closed',
  /** No such session or note. */
  notFound: 'not_found',
  /** A facilitator action without a valid facilitator token. */
  unauthorized: 'unauthorized',
  /** The session holds as many notes as it may (`maxNotesPerSession`); nothing more is taken. */
  full: 'full',
  /** The kiosk could not store the note (disk full, read-only data folder); nothing was kept. */
  unavailable: 'unavailable',
  /** No vote is open. */
  noVote: 'no_vote',
  /** The phone has no dots left, or has put the most allowed on this note. */
  overBudget: 'over_budget',
  /** A survey that has answers cannot be edited or deleted (its results would lose their meaning). */
  hasAnswers: 'has_answers',
  /** The request came from another web site. */
  forbiddenOrigin: 'forbidden_origin',
} as const

export type ErrorCode = (typeof ERRORS)[keyof typeof ERRORS]

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ERRORS)

/** The acknowledgement every Socket.io event with a callback answers with. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorCode }

export function fail(error: ErrorCode): { ok: false; error: ErrorCode } {
  return { ok: false, error }
}
