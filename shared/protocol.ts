/**
 * The wire protocol between phones, consoles and the kiosk: Socket.io event maps (used as
 * Socket.io's type parameters on both sides), HTTP shapes and the URL layout.
 * docs/PROTOCOL.md explains it for people scripting against the kiosk.
 */
import type { z } from 'zod'
import type { Ack, ErrorCode } from './errors.ts'
import type { ActivityKind, NoteStatus, Phase, SurveyQuestion, UiLang } from './board.ts'
import type { QuestionMode, QuestionStatus } from './questions.ts'
import type { WordEdits } from './survey.ts'
import type * as schemas from './schemas.ts'

export const PROTOCOL_VERSION = 1

/** URL paths, relative to the kiosk's origin. */
export const PATHS = {
  health: '/healthz',
  sessions: '/api/sessions',
  socketIo: '/socket.io',
  /** y-websocket rooms live under this prefix: `/yjs/<session id>` */
  yjs: '/yjs',
  join: (id: string) => `/j/${id}`,
  board: (id: string) => `/b/${id}`,
  facilitator: (id?: string) => (id ? `/f/${id}` : '/f'),
  qr: (id: string) => `/qr/${id}.svg`,
} as const

/**
 * Why the kiosk closed a y-websocket connection. Outside 4400–4499, so y-websocket reconnects
 * (with its back-off): a projector that fell behind simply starts over.
 */
export const YJS_CLOSE = {
  /** the connection did not read what it was sent: its backlog grew over the cap */
  backlog: { code: 4001, reason: 'backlog' },
  /** a read-only connection sent far more frames than a board ever needs */
  rateLimited: { code: 4002, reason: 'rate_limited' },
  /** the connection caps filled up while the upgrade was under way */
  overCap: { code: 4003, reason: 'over_capacity' },
} as const

/**
 * A message's payload is its schema's input type (shared/schemas.ts): one declaration, used by
 * the server to parse and by clients to send.
 */
type Payload<K extends keyof typeof schemas> = (typeof schemas)[K] extends z.ZodType ? z.input<(typeof schemas)[K]> : never

/** `auth` a Socket.io client sends in its handshake: `deviceId` is a phone's own random id, kept in local storage, never shown nor exported; `token` makes the connection a facilitator's. */
export type HandshakeAuth = Payload<'handshakeSchema'>

/** `id` is made by the phone (1–64 characters); resending it never makes a second note */
export type NoteCreatePayload = Payload<'noteCreateSchema'>

/** What a phone needs to know about its session; sent on connect and on every change. */
export interface SessionState {
  id: string
  title: string
  /** the current prompt */
  prompt: string
  promptId: string
  locked: boolean
  /** the session was closed by the facilitator: read-only */
  closed: boolean
  /** the language the facilitator fixed for the session, or null to follow the phone */
  lang: UiLang | null
  phase: Phase
  /** longest note, in characters as people count them */
  maxNoteChars: number
  /** a countdown, when one runs: its end on the server's clock */
  timer: { endsAt: number; seconds: number } | null
  /** the server's clock when this was sent, so a phone can correct its own */
  serverNow: number
  /** whether a dot vote is open (its notes come in `vote:ballot`) */
  voting: boolean
  protocol: number
  /** reveal mode: the notes are still face down on the board (added in v1, optional for old kiosks) */
  faceDown?: boolean
  /** the current or last vote: whether one is open, or was and has closed (null before the first) */
  vote?: { id: string; open: boolean } | null
  /** questions to the speaker: off, open, or moderated (added in v2, optional for old kiosks) */
  questions?: QuestionMode
  /** the agenda's current activity, on every screen (added in v2) */
  activity?: { id: string; kind: ActivityKind; title: string } | null
}

/** One answer per question: option index, option indexes, scale value, text, or null (skipped). */
export type SurveyAnswerValue = number | number[] | string | null

/**
 * What a phone needs to answer the current activity's survey: sent on connect and when the
 * current activity or its round changes, never once per answer.
 */
export interface SurveyForPhone {
  activityId: string
  surveyId: string
  title: string
  questions: SurveyQuestion[]
  /** the survey's latest round: answers go to it while it is open */
  round: { round: number; label: string; open: boolean } | null
  /** this phone's answers to that round, when it has answered (on connect only) */
  mine?: SurveyAnswerValue[]
}

/** A phone's own dots in the open vote. */
export interface MyDots {
  /** note id → this phone's dots */
  mine: Record<string, number>
  remaining: number
}

/** A phone's view of an open vote: the notes it may vote on and its own dots. */
export interface Ballot {
  voteId: string
  open: boolean
  perPhone: number
  maxPerNote: number
  notes: BallotNote[]
  /** note id → this phone's dots */
  mine: Record<string, number>
  remaining: number
}

export interface BallotNote {
  noteId: string
  text: string
  /** the KJ group it sits in, top group first (e.g. "窓口 › 待ち時間"); absent when ungrouped */
  group?: string
}

/** A closed vote's ranking, for phones: the notes with dots, most first (at most `maxRankedOnPhone`). */
export interface VoteResult {
  voteId: string
  ranking: Array<{ noteId: string; text: string; votes: number; rank: number }>
  /** phones that placed at least one dot */
  voters: number
}

/** How many phones have voted in the open (or last) vote, for the facilitator. */
export interface VoteTurnout {
  voteId: string
  /** phones that placed at least one dot */
  voted: number
  /** phones connected now */
  phones: number
}

export type MyNoteStatus = NoteStatus | 'deleted' | 'unknown'

export interface MyNote {
  /** the phone's id for the note */
  id: string
  noteId?: string
  status: MyNoteStatus
  /** the text as it stands on the board, when the facilitator corrected it */
  text?: string
}

/**
 * `prompt` changes the text of the current prompt; `faceDown` keeps notes face down on the board;
 * `boardPage` holds a page of the wall (or a group's page) on the projector, null lets pages turn
 * by themselves; `surveyPage` holds one question of a survey's results there the same way; `showJoin` keeps the QR code large; `lang: null` lets each device choose
 */
export type SessionUpdatePayload = Payload<'sessionUpdateSchema'>

export const MODERATION_ACTIONS = ['approve', 'hide', 'show', 'delete'] as const
export type ModerationAction = (typeof MODERATION_ACTIONS)[number]

export type NoteModeratePayload = Payload<'noteModerateSchema'>

/** `promptIds`: the prompts whose notes are on the ballot; by default what the board shows */
export type VoteOpenPayload = Payload<'voteOpenSchema'>

export type TimerStartPayload = Payload<'timerStartSchema'>

/** A question as phones see it: only visible ones are ever sent to them. */
export interface PublicQuestion {
  id: string
  text: string
  votes: number
  answered: boolean
  /** epoch ms */
  askedAt: number
}

/**
 * The room's question list, the same for every phone (encoded once, sent to all): the mode, the
 * question being answered, and every visible question, newest first.
 */
export interface QuestionList {
  mode: QuestionMode
  highlight: string | null
  questions: PublicQuestion[]
}

/** What became of a question this phone asked (by the phone's own id for it). */
export interface MyQuestion {
  id: string
  questionId?: string
  /** `hidden`: the facilitator took it off the list; `deleted`: removed; `unknown`: never arrived */
  status: QuestionStatus | 'deleted' | 'unknown'
  answered?: boolean
  /** the text as the list shows it, when the facilitator corrected it */
  text?: string
}

export type QuestionModeratePayload = Payload<'questionModerateSchema'>

/** Events a client emits; every one takes an acknowledgement callback. */
export interface ClientToServerEvents {
  /** a phone posts a note (a facilitator may too, for someone without a phone) */
  'note:create': (payload: NoteCreatePayload, ack: (res: Ack<{ noteId: string }>) => void) => void
  /** a phone asks what became of the notes it sent (by its own ids) */
  'note:mine': (payload: Payload<'noteMineSchema'>, ack: (res: Ack<{ notes: MyNote[] }>) => void) => void
  /** a phone places one dot on a note of the open vote */
  'vote:cast': (payload: Payload<'voteCastSchema'>, ack: (res: Ack<MyDots>) => void) => void
  /** a phone takes one of its dots back */
  'vote:retract': (payload: Payload<'voteCastSchema'>, ack: (res: Ack<MyDots>) => void) => void
  /** a phone asks the speaker a question (idempotent by `id`) */
  'question:ask': (payload: Payload<'questionAskSchema'>, ack: (res: Ack<{ questionId: string }>) => void) => void
  /** a phone upvotes a visible question (`on: true`) or takes its upvote back */
  'question:upvote': (payload: Payload<'questionUpvoteSchema'>, ack: (res: Ack<{ votes: number }>) => void) => void
  /** a phone asks what became of its questions (by its own ids) and which it upvoted */
  'question:mine': (payload: Payload<'questionMineSchema'>, ack: (res: Ack<{ questions: MyQuestion[]; upvoted: string[] }>) => void) => void

  /** a phone answers the open round of a survey (again: replaces its answer); a facilitator enters a paper sheet */
  'survey:answer': (payload: Payload<'surveyAnswerSchema'>, ack: (res: Ack) => void) => void

  // facilitator only: answered `unauthorized` for anyone else
  'survey:create': (payload: Payload<'surveyCreateSchema'>, ack: (res: Ack<{ surveyId: string }>) => void) => void
  /** a survey without answers: title and questions replaced */
  'survey:edit': (payload: Payload<'surveyEditSchema'>, ack: (res: Ack) => void) => void
  'survey:delete': (payload: Payload<'surveyRefSchema'>, ack: (res: Ack) => void) => void
  /** open a new round (closes any other open round in the session) */
  'survey:open': (payload: Payload<'surveyOpenSchema'>, ack: (res: Ack<{ round: number }>) => void) => void
  'survey:close': (payload: Payload<'surveyRefSchema'>, ack: (res: Ack) => void) => void
  /** show or hide a round's results on the board */
  'survey:reveal': (payload: Payload<'surveyRevealSchema'>, ack: (res: Ack) => void) => void
  /** hide, unhide, merge or unmerge a word of a text question's cloud (every round); answers the question's edits now */
  'survey:words': (payload: Payload<'surveyWordsSchema'>, ack: (res: Ack<WordEdits>) => void) => void
  'agenda:add': (payload: Payload<'agendaAddSchema'>, ack: (res: Ack<{ activityId: string }>) => void) => void
  'agenda:move': (payload: Payload<'agendaMoveSchema'>, ack: (res: Ack) => void) => void
  'agenda:remove': (payload: Payload<'agendaRefSchema'>, ack: (res: Ack) => void) => void
  /** the activity on every screen */
  'agenda:current': (payload: Payload<'agendaRefSchema'>, ack: (res: Ack) => void) => void

  'question:moderate': (payload: QuestionModeratePayload, ack: (res: Ack) => void) => void
  'session:update': (payload: SessionUpdatePayload, ack: (res: Ack) => void) => void
  'note:moderate': (payload: NoteModeratePayload, ack: (res: Ack) => void) => void
  /** correct a typo or remove a name; the text is cleaned like a new note */
  'note:edit': (payload: Payload<'noteEditSchema'>, ack: (res: Ack) => void) => void
  /** add a prompt; `makeCurrent` also switches phones to it */
  'prompt:add': (payload: Payload<'promptAddSchema'>, ack: (res: Ack<{ promptId: string }>) => void) => void
  'vote:open': (payload: VoteOpenPayload, ack: (res: Ack<{ voteId: string }>) => void) => void
  'vote:close': (payload: Payload<'emptySchema'>, ack: (res: Ack) => void) => void
  'timer:start': (payload: TimerStartPayload, ack: (res: Ack) => void) => void
  'timer:stop': (payload: Payload<'emptySchema'>, ack: (res: Ack) => void) => void
  /** the words that send a note to the queue even in post-moderation (all sessions) */
  'words:get': (payload: Payload<'emptySchema'>, ack: (res: Ack<{ words: string[] }>) => void) => void
  'words:set': (payload: Payload<'wordsSetSchema'>, ack: (res: Ack<{ words: string[] }>) => void) => void
}

export interface ServerToClientEvents {
  'session:state': (state: SessionState) => void
  /** to phones: the current activity's survey (null when the current activity is not one) */
  'survey:current': (survey: SurveyForPhone | null) => void
  /** to a phone while a vote is open: what it may vote on and its dots */
  'vote:ballot': (ballot: Ballot | null) => void
  /** to the phone that sent a note, when its status or (edited by the facilitator) its text changes */
  'note:status': (note: MyNote) => void
  /** to phones when a vote closes, and on connect while the last vote is closed: its ranking */
  'vote:result': (result: VoteResult | null) => void
  /** to facilitators while a vote is open (at most once a second) and when it closes */
  'vote:turnout': (turnout: VoteTurnout) => void
  /** to phones: the room's visible questions, on connect and at most about once a second when they change */
  'question:list': (list: QuestionList) => void
  /** to phones: new upvote counts (question id → votes) when only counts changed since the last list */
  'question:votes': (votes: Record<string, number>) => void
  /** to the phone that asked a question, when its status, answered flag or text changes */
  'question:status': (question: MyQuestion) => void
  /** to facilitators: on connect and whenever storing starts or stops failing */
  'kiosk:status': (status: KioskStatus) => void
  /** to facilitators, on connect: parts of this session's saved board that could not be read */
  'session:damaged': (damage: SessionDamage) => void
}

/**
 * Changes of a session's saved board that could not be read when it was loaded: they were set
 * aside (kept, not deleted) and the rest of the board loaded. Notes only in them are missing.
 */
export interface SessionDamage {
  /** how many stored changes were set aside */
  unreadable: number
  bytes: number
  /** when the first was set aside (epoch ms) */
  since: number
}

export interface KioskStatus {
  /** `failing`: notes are being refused (`unavailable`) because the database cannot be written */
  storage: 'ok' | 'failing'
  /** the database's own words, for the facilitator to act on (e.g. "database or disk is full") */
  message?: string
}

/** `err.data` of a refused Socket.io connection (`connect_error`). */
export interface ConnectErrorData {
  code: ErrorCode
}

// ---- HTTP ----

export interface CreateSessionRequest {
  title: string
  prompt?: string
}

export interface SessionLinks {
  id: string
  /** what the QR code encodes; phones open it */
  joinUrl: string
  /** the projector's page, with the read-only board key */
  boardUrl: string
  /** the facilitator's console for this session, with the token */
  facilitatorUrl: string
}

export interface SessionSummary extends SessionLinks {
  title: string
  prompt: string
  createdAt: number
  /** notes on the board (visible ones) */
  notes: number
  /** phones that posted at least one note */
  phones: number
  closed: boolean
  /** a closed session's record files in `DATA_DIR/records/` (paths on the kiosk's disk) */
  recordFiles?: string[]
}

export interface HttpError {
  error: ErrorCode | 'payload_too_large'
}

/** How many phones are connected, published by the server in the board's awareness state. */
export interface ServerPresence {
  kurumaza: { phones: number }
}
