/** Messages between bench/run.ts and its phone workers (bench/phones.ts), over Node's IPC channel. */

export interface ConnectCmd {
  type: 'connect'
  url: string
  session: string
  count: number
  /** names this worker's phones in note tags and device ids, e.g. "b500.w0" */
  prefix: string
  /** connections opened at once */
  concurrency: number
}

export interface PostCmd {
  type: 'post'
  /** bench clock (epoch ms) at which the window opens */
  startAt: number
  windowMs: number
  /** notes each phone posts, at independent uniformly random moments in the window */
  perPhone: number
  ackTimeoutMs: number
}

/** Every phone places `dots` dots, each on a different random note of its latest ballot. */
export interface VoteCmd {
  type: 'vote'
  startAt: number
  windowMs: number
  dots: number
  ackTimeoutMs: number
}

/** The first `count` phones of the worker each ask one question (`question:ask`). */
export interface AskCmd {
  type: 'ask'
  count: number
  ackTimeoutMs: number
}

/** Every phone upvotes `upvotes` distinct random questions of the list it last heard, at random moments in the window. */
export interface UpvoteCmd {
  type: 'upvote'
  startAt: number
  windowMs: number
  upvotes: number
  ackTimeoutMs: number
}

/** Every phone answers the survey once, at a random moment in the window (answers vary by phone). */
export interface SurveyCmd {
  type: 'survey'
  startAt: number
  windowMs: number
  surveyId: string
  round: number
  ackTimeoutMs: number
}

export type WorkerRequest =
  | SurveyCmd
  | ConnectCmd
  | PostCmd
  | VoteCmd
  | AskCmd
  | UpvoteCmd
  | { type: 'stats' }
  | { type: 'disconnect' }
  | { type: 'clock' }
  /** forget the ballots received so far */
  | { type: 'resetBallots' }
  | { type: 'ballots' }
  /** how many questions each phone's last `question:list` held */
  | { type: 'questionCounts' }

export interface BallotSeen {
  /** when the phone got its first open ballot since the last reset (bench clock) */
  at?: number
  /** its size as received (the Engine.IO packet), bytes */
  bytes: number
  notes: number
  /** ballots received since the last reset */
  count: number
  /** bytes of all of them */
  totalBytes: number
}

export type WorkerCmd = WorkerRequest & { id: number }

export interface ConnectResult {
  connected: number
  failed: number
  errors: string[]
  ms: number
}

export interface NoteResult {
  /** the tag in the note's text */
  key: string
  sendAt: number
  ackAt?: number
  ok: boolean
  error?: string
}

export interface PhoneBytes {
  /** Engine.IO packets received: payload bytes (what socket.io parsed) */
  payloadIn: number
  payloadOut: number
  /** the TCP socket's bytes, WebSocket framing and the HTTP upgrade included */
  wireIn: number
  wireOut: number
  packetsIn: number
  /** `session:state` messages received */
  states: number
  /** `vote:ballot` messages received, and their bytes as received */
  ballots: number
  ballotBytes: number
  /** `survey:current` messages received, and their bytes as received */
  surveys?: number
  surveyBytes?: number
  /** `question:list` and `question:votes` messages received, and their bytes as received */
  questionMessages: number
  questionBytes: number
}

export interface StatsResult {
  phones: PhoneBytes[]
}

export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string }
