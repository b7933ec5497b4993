/**
 * Where the board lives in the session's Y.Doc, and the shapes stored there.
 * Types and key names only: the phone imports this without pulling in Yjs.
 *
 * Two documents exist per session. The facilitator's (read-write, `?token=`) holds everything.
 * The board's (read-only, `?key=`) is a projection the server keeps in step with it: only
 * visible notes, no text for notes still face down, vote counts only once they may be shown.
 * Both use these keys and shapes.
 */
export const DOC_KEYS = {
  /** note id → Y.Map<NoteFields> */
  notes: 'notes',
  /** session-wide settings and texts, see `MetaFields` */
  meta: 'meta',
  /** group id → Y.Map<GroupFields> (KJ-method groups, nestable) */
  groups: 'groups',
  /** prompt id → Y.Map<PromptFields> (the questions of the session) */
  prompts: 'prompts',
  /** note id → number: dots of the current (or last) vote; written by the server only */
  votes: 'votes',
  /** Y.Array<PhaseEntry>: every phase change, for the record */
  history: 'history',
  /** survey id → Y.Map<SurveyFields>: surveys and polls, as created, with their rounds */
  surveys: 'surveys',
  /** `<survey id>:<round>` → RoundResults: a round's counts, written by the server only */
  surveyResults: 'surveyResults',
  /** activity id → AgendaEntry: the agenda's order and what the prompts and surveys do not say */
  agenda: 'agenda',
  /**
   * On a board only: `<survey id>:<round>` → how many phones answered a round whose results are
   * hidden (the turnout, never the counts), so the room sees answers arrive.
   */
  surveyTurnout: 'surveyTurnout',
} as const

/**
 * Activities on a session's agenda. Their ids say what they are: `notes:<prompt id>` (a note
 * round: one prompt), `survey:<survey id>`, `questions:<id>`. Prompts and surveys are agenda
 * activities by themselves (a session from before the agenda existed derives its agenda from its
 * prompts); the `agenda` map holds their order once set, removals, and the questions activities.
 */
export const ACTIVITY_KINDS = ['notes', 'survey', 'questions'] as const
export type ActivityKind = (typeof ACTIVITY_KINDS)[number]

export interface AgendaEntry {
  order: number
  /** taken off the agenda (its notes or answers stay in the record) */
  removed?: boolean
  /** a questions activity's title */
  title?: string
}

export interface Activity {
  id: string
  kind: ActivityKind
  /** the prompt's text, the survey's title, or the questions activity's title */
  title: string
  order: number
  /** the prompt (notes) or the survey (survey) it runs */
  ref: string
}

/** Questions and results are declared once, in shared/survey.ts (the charts draw the same shapes). */
export type { Question as SurveyQuestion, QuestionKind as SurveyQuestionKind, QuestionResult, TextResult } from './survey.ts'
import type { Question as SurveyQuestion, QuestionResult } from './survey.ts'

/** One run of a survey. Only one round is open in a session at a time. */
export interface SurveyRoundInfo {
  round: number
  label: string
  open: boolean
  openedAt: number
  closedAt?: number
  /** the results may be on the board: shown live while open, or revealed by the facilitator */
  shown: boolean
  /** came from a CSV (answers gathered on paper or in a web form) or an imported record */
  imported?: boolean
}

/** The fields of one survey's Y.Map. */
export interface SurveyFields {
  title: string
  questions: SurveyQuestion[]
  createdAt: number
  rounds: SurveyRoundInfo[]
}

export interface Survey extends SurveyFields {
  id: string
}

/** A round's aggregated results (what the record exports): no answer is linked to anyone. */
export interface RoundResults {
  /** respondents in this round (phones, paper sheets, imported rows) */
  responses: number
  results: QuestionResult[]
}

export const NOTE_STATUSES = ['visible', 'pending', 'hidden'] as const
export type NoteStatus = (typeof NOTE_STATUSES)[number]

export const MODERATION_MODES = ['post', 'pre'] as const
export type ModerationMode = (typeof MODERATION_MODES)[number]

export const PHASES = ['collect', 'reveal', 'group', 'vote', 'discuss'] as const
export type Phase = (typeof PHASES)[number]

/** The fields of one note's Y.Map. */
export interface NoteFields {
  text: string
  /** epoch ms, set by the server when the note was stored */
  createdAt: number
  status: NoteStatus
  /** the prompt it answered ('' for notes from before prompts existed) */
  promptId?: string
  /** the group it sits in, or none */
  groupId?: string | null
  /** the order inside its group or column (fractional, so moves touch one note) */
  order?: number
  /** board projection only: still face down, text withheld */
  faceDown?: boolean
  /** set when the facilitator edited the text */
  editedAt?: number
}

export interface GroupFields {
  name: string
  /** the group it is nested in, or null at the top */
  parentId: string | null
  createdAt: number
  order?: number
}

export interface PromptFields {
  text: string
  createdAt: number
  order: number
}

export interface Spotlight {
  kind: 'note' | 'group'
  id: string
}

/**
 * Which page of the wall the facilitator holds on the projector: a page (counted round the
 * pages the board has), or the page where a group starts. null: the pages turn by themselves.
 */
export type BoardPage = { kind: 'page'; index: number } | { kind: 'group'; id: string }

/**
 * Which question of a survey the facilitator holds on the projector (`index` from 0, below the
 * survey's number of questions). null: the board turns the questions by itself.
 */
export interface SurveyPage {
  surveyId: string
  index: number
}

export interface TimerState {
  /** epoch ms on the server's clock */
  endsAt: number
  seconds: number
  lockOnEnd: boolean
}

export interface VoteSettings {
  id: string
  open: boolean
  /** dots each phone may place */
  perPhone: number
  /** most dots one phone may put on one note */
  maxPerNote: number
  /** show counts on the board while the vote is open (else only once it is closed) */
  showLive: boolean
  /** the prompts whose notes are on the ballot; absent: every prompt (votes from before this existed) */
  promptIds?: string[]
}

/** The fields of the `meta` map. */
export interface MetaFields {
  title: string
  /** the current prompt's text (kept in step with `prompts` for simple readers) */
  prompt: string
  /** epoch ms */
  createdAt: number
  /** when true, phones' notes are refused with `locked` */
  locked: boolean
  /** `pre`: new notes arrive `pending` and wait for approval */
  moderation: ModerationMode
  phase: Phase
  /** reveal mode: the board shows notes face down until this is false */
  faceDown: boolean
  currentPromptId: string
  /** the board shows the notes of every prompt, not only the current one */
  showAllPrompts: boolean
  spotlight: Spotlight | null
  /** the page of the wall held on the projector, or null to turn pages by themselves */
  boardPage: BoardPage | null
  /** the survey question held on the projector, or null to turn the questions by themselves */
  surveyPage: SurveyPage | null
  /** the QR code large on the board even once the room has joined */
  showJoin: boolean
  timer: TimerState | null
  vote: VoteSettings | null
  /** the session is closed: read-only, kept as a record */
  closed: boolean
  /** the language the facilitator fixed for every screen, or null to follow each device */
  lang: UiLang | null
  /** the agenda's current activity ('' for sessions from before the agenda: their current prompt's) */
  activityId: string
}

export const UI_LANGS = ['ja', 'en'] as const
export type UiLang = (typeof UI_LANGS)[number]

export interface PhaseEntry {
  phase: Phase
  /** epoch ms */
  at: number
}

/** A note as read out of the document, with its id. */
export interface Note extends NoteFields {
  id: string
  promptId: string
  groupId: string | null
}

export interface Group extends GroupFields {
  id: string
}

export interface Prompt extends PromptFields {
  id: string
}
