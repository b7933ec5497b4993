import { ERRORS, type ErrorCode } from '../../../shared/errors.ts'
import { newClientId } from '../../../shared/ids.ts'
import { LIMITS } from '../../../shared/limits.ts'
import type { Phase, UiLang } from '../../../shared/board.ts'
import { PATHS, type Ballot, type MyNote, type SessionState, type SurveyAnswerValue, type SurveyForPhone, type VoteResult } from '../../../shared/protocol.ts'
import { loadAnswers, putAnswer, saveAnswers, type MyAnswer } from './survey-outbox.ts'
import { roomState, type RoomActivity, type RoomState } from '../../../shared/room-state.ts'
import { checkNoteText } from '../../../shared/text.ts'
import { clockOffset } from '../lib/clock.ts'
import { loadPosts, savePosts, type MyPost } from './outbox.ts'
import { PhoneQuestions } from './questions.svelte.ts'
import { getJson } from '../lib/page.ts'
import { connect, refusalCode, request, type KioskSocket } from '../lib/socket.ts'
import { readString, removeKey, writeString } from '../lib/storage.ts'

/**
 * A phone's view of its session: the Socket.io connection, the session's texts and lock, the
 * draft, and the outbox. Notes go out one at a time in the order written, each with the id it
 * got when written, so resending after a lost ack or a reload never makes a second note.
 */
export type PhoneConnection = 'connecting' | 'connected' | 'reconnecting' | 'not_found' | 'forbidden'

type NoticeBody = { kind: 'sent' | 'queued' | 'rate_limited' | 'unavailable' } | { kind: 'refused'; error: ErrorCode }
/** `seq` changes on every notice, so the same message twice is announced twice. */
export type PhoneNotice = NoticeBody & { seq: number }

/** Why a dot was not placed or taken back, worded by the page. */
export type VoteNotice = { kind: 'no_vote' | 'over_budget' | 'max_per_note' | 'not_found' | 'rate_limited' } | { kind: 'failed'; error: ErrorCode | 'timeout' }

const DEVICE_KEY = 'kurumaza.deviceId'
const draftKey = (sessionId: string): string => `kurumaza.draft.${sessionId}`

/** Errors that say "not now" rather than "not this note": keep it queued and try again. */
const TRY_AGAIN: readonly ErrorCode[] = [ERRORS.rateLimited, ERRORS.unavailable]
/** A token bucket refills one note per 5 s at the default rate, so waiting less is pointless. */
const FIRST_RETRY_MS = 5_000
const MAX_RETRY_MS = 60_000
const STATUS_POLL_MS = 30_000
/** "Sent." is news for a moment, not a state: it goes after this long (or when the room changes). */
const SENT_NOTICE_MS = 8_000

export function deviceId(): string {
  const stored = readString(DEVICE_KEY)
  if (stored && stored.length <= LIMITS.maxDeviceIdChars) return stored
  const id = newClientId()
  writeString(DEVICE_KEY, id)
  return id
}

const withJitter = (ms: number): number => Math.round(ms * (0.8 + Math.random() * 0.4))

export class PhoneSession {
  readonly sessionId: string
  connection = $state<PhoneConnection>('connecting')
  title = $state('')
  prompt = $state('')
  locked = $state(false)
  /** the facilitator closed the session: it is a record now, nothing more can be posted */
  closed = $state(false)
  maxChars = $state<number>(LIMITS.maxNoteChars)
  phase = $state<Phase>('collect')
  /** the language the facilitator fixed for the session; null lets this phone choose */
  lang = $state<UiLang | null>(null)
  /** the countdown, when one runs: its end on the kiosk's clock */
  timer = $state.raw<SessionState['timer']>(null)
  /** kiosk time minus this phone's time, from the last `session:state` */
  clockOffset = $state(0)
  /** the kiosk says a vote is open */
  voting = $state(false)
  /** notes are still face down on the board */
  faceDown = $state(false)
  /** the current or last vote, as the kiosk said */
  lastVote = $state.raw<{ id: string; open: boolean } | null>(null)
  /** the last closed vote's ranking */
  result = $state.raw<VoteResult | null>(null)
  /** what this phone may vote on, and its dots; null when no vote is open */
  ballot = $state.raw<Ballot | null>(null)
  /** note ids whose dot is on its way, so a second tap waits for the first */
  voteBusy = $state<string[]>([])
  voteNotice = $state<(VoteNotice & { seq: number }) | null>(null)
  posts = $state<MyPost[]>([])
  /** the agenda's current activity (a note round, a survey, questions) */
  activity = $state.raw<SessionState['activity']>(null)
  /** the current activity's survey, sent by the kiosk when it changes (never per answer) */
  survey = $state.raw<SurveyForPhone | null>(null)
  /** this phone's answers to survey rounds, sent or waiting */
  answers = $state<MyAnswer[]>([])
  #answerRetry: ReturnType<typeof setTimeout> | undefined
  #answerFlushing = false
  /** who waits for a round's answer to settle (the survey form's "sending…"), by `<survey id>:<round>` */
  #answerWaiters = new Map<string, Array<(res: { ok: boolean; error?: string }) => void>>()
  notice = $state<PhoneNotice | null>(null)
  #draft = $state('')
  /** questions to the speaker: the room's list, this phone's upvotes and its own questions */
  readonly questions: PhoneQuestions

  #socket: KioskSocket | undefined
  /** bumped on every disconnect, so answers to an old connection's requests are ignored */
  #generation = 0
  #flushingGeneration = -1
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #retryMs = 0
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined
  #reconnectMs = 0
  #pollTimer: ReturnType<typeof setInterval> | undefined
  #everConnected = false
  #noticeSeq = 0
  #noticeTimer: ReturnType<typeof setTimeout> | undefined

  constructor(sessionId: string) {
    this.sessionId = sessionId
    this.posts = loadPosts(sessionId)
    this.answers = loadAnswers(sessionId)
    this.questions = new PhoneQuestions(sessionId)
    this.#draft = readString(draftKey(sessionId)) ?? ''
  }

  /** The text being written; kept so a reload or a closed tab does not lose it. */
  get draft(): string {
    return this.#draft
  }

  set draft(value: string) {
    this.#draft = value
    if (value) writeString(draftKey(this.sessionId), value)
    else removeKey(draftKey(this.sessionId))
  }

  /** What state the room is in, worded by the page: the same function the board and console use. */
  get room(): RoomState {
    return roomState({ closed: this.closed, locked: this.locked, phase: this.phase, faceDown: this.faceDown, vote: this.lastVote, activity: this.#activity() })
  }

  /** The current activity as the room's state words it: a survey's round, or whether questions are taken. */
  #activity(): RoomActivity | null {
    const kind = this.activity?.kind
    if (kind === 'questions') return { kind, open: this.questions.open }
    if (kind !== 'survey') return null
    const round = this.survey?.round
    return { kind, round: !round ? 'coming' : round.open ? 'open' : 'closed' }
  }

  get waiting(): number {
    return this.posts.filter((p) => p.state === 'queued' || p.state === 'sending').length
  }

  start(): void {
    void this.#checkExists()
    const socket = connect({ session: this.sessionId, deviceId: deviceId() })
    this.#socket = socket
    socket.on('connect', () => this.#onConnect())
    socket.on('disconnect', (reason) => this.#onDisconnect(reason))
    socket.on('connect_error', (err) => this.#onConnectError(err))
    socket.on('session:state', (state) => this.#onState(state))
    // Sent to this phone alone when the facilitator approves, hides, shows or deletes its note.
    socket.on('note:status', (note) => this.#applyStatus([note]))
    socket.on('vote:ballot', (ballot) => {
      this.ballot = ballot?.open ? ballot : null
      if (!ballot) this.voteBusy = []
    })
    socket.on('vote:result', (result) => (this.result = result))
    socket.on('survey:current', (survey) => {
      this.survey = survey
      // The kiosk's copy of this phone's answers (after a reload elsewhere, say) fills the form.
      if (survey?.round && survey.mine && !this.myAnswer(survey.surveyId, survey.round.round)) {
        this.answers = [...this.answers, { surveyId: survey.surveyId, round: survey.round.round, answers: survey.mine, state: 'sent' }]
        saveAnswers(this.sessionId, $state.snapshot(this.answers))
      }
    })
    this.questions.attach(socket)
    document.addEventListener('visibilitychange', this.#onVisible)
    this.#pollTimer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.#refreshMine()
    }, STATUS_POLL_MS)
  }

  destroy(): void {
    document.removeEventListener('visibilitychange', this.#onVisible)
    clearInterval(this.#pollTimer)
    clearTimeout(this.#retryTimer)
    clearTimeout(this.#reconnectTimer)
    clearTimeout(this.#noticeTimer)
    clearTimeout(this.#answerRetry)
    this.questions.destroy()
    this.#socket?.disconnect()
  }

  /** This phone's answer to a round, sent or waiting, if it gave one. */
  myAnswer(surveyId: string, round: number): MyAnswer | undefined {
    return this.answers.find((a) => a.surveyId === surveyId && a.round === round)
  }

  /** Answer the current survey's open round (again: replaces the answer); sent now or once back online. */
  answerSurvey(answers: SurveyAnswerValue[]): boolean {
    const round = this.survey?.round
    if (!this.survey || !round?.open) return false
    this.answers = putAnswer(this.answers, this.survey.surveyId, round.round, answers)
    saveAnswers(this.sessionId, $state.snapshot(this.answers))
    void this.#flushAnswers()
    return true
  }

  /**
   * The same, for a form that shows "sending…" until the kiosk has the answer: resolves once it is
   * stored (`ok`) or refused (with why). Offline it waits in the outbox and resolves when sent.
   */
  submitSurvey(answers: SurveyAnswerValue[]): Promise<{ ok: boolean; error?: string }> {
    const survey = this.survey
    if (!survey?.round?.open) return Promise.resolve({ ok: false, error: ERRORS.closed })
    const key = `${survey.surveyId}:${survey.round.round}`
    const settled = new Promise<{ ok: boolean; error?: string }>((resolve) => this.#answerWaiters.set(key, [...(this.#answerWaiters.get(key) ?? []), resolve]))
    this.answerSurvey(answers)
    return settled
  }

  #answerSettled(answer: MyAnswer): void {
    const key = `${answer.surveyId}:${answer.round}`
    const waiters = this.#answerWaiters.get(key) ?? []
    this.#answerWaiters.delete(key)
    for (const w of waiters) w(answer.state === 'sent' ? { ok: true } : { ok: false, ...(answer.error ? { error: answer.error } : {}) })
  }

  /** Send the answers waiting, one at a time; a timeout or a busy kiosk tries again a little later. */
  async #flushAnswers(): Promise<void> {
    const socket = this.#socket
    if (!socket || this.connection !== 'connected' || this.#answerFlushing) return
    this.#answerFlushing = true
    try {
      for (;;) {
        const answer = this.answers.find((a) => a.state === 'queued')
        if (!answer || this.connection !== 'connected') break
        answer.state = 'sending'
        const sent = $state.snapshot(answer.answers)
        const res = await request(socket, 'survey:answer', { surveyId: answer.surveyId, round: answer.round, answers: sent })
        // answered again meanwhile: the newer answer goes next
        const current = this.myAnswer(answer.surveyId, answer.round)
        if (current !== answer) continue
        if (res === undefined || (!res.ok && TRY_AGAIN.includes(res.error))) {
          answer.state = 'queued'
          clearTimeout(this.#answerRetry)
          this.#answerRetry = setTimeout(() => void this.#flushAnswers(), withJitter(FIRST_RETRY_MS))
          break
        }
        answer.state = res.ok ? 'sent' : 'refused'
        if (!res.ok) answer.error = res.error
        saveAnswers(this.sessionId, $state.snapshot(this.answers))
        this.#answerSettled(answer)
      }
    } finally {
      this.#answerFlushing = false
      saveAnswers(this.sessionId, $state.snapshot(this.answers))
    }
  }

  /** Put a note in the outbox; false when the text cannot be posted (the draft stays). */
  post(raw: string): boolean {
    if (this.locked || this.closed) return false
    const verdict = checkNoteText(raw, this.maxChars)
    if (!verdict.ok) {
      this.#notify({ kind: 'refused', error: verdict.error })
      return false
    }
    this.posts.push({ id: newClientId(), text: verdict.text, at: Date.now(), state: 'queued' })
    this.#save()
    if (this.connection !== 'connected') this.#notify({ kind: 'queued' })
    // While a retry is pending the note simply waits its turn behind the others.
    else if (this.#retryTimer === undefined) void this.#flush()
    return true
  }

  /** Place one dot on a note (+1) or take one back (-1); the kiosk's answer is the truth. */
  async vote(noteId: string, delta: 1 | -1): Promise<void> {
    const socket = this.#socket
    const ballot = this.ballot
    if (!socket || !ballot || this.voteBusy.includes(noteId)) return
    this.voteBusy.push(noteId)
    try {
      const res = await request(socket, delta === 1 ? 'vote:cast' : 'vote:retract', { noteId })
      if (res === undefined) this.#voteNotice({ kind: 'failed', error: 'timeout' })
      else if (res.ok) {
        // A ballot that changed meanwhile (a new vote, or none) is not this answer's.
        if (this.ballot?.voteId === ballot.voteId) this.ballot = { ...this.ballot, mine: res.mine, remaining: res.remaining }
        this.voteNotice = null
      } else if (res.error === ERRORS.overBudget) {
        // The same code covers "no dots left" and "this note has the most allowed": say which.
        const onNote = this.ballot?.mine[noteId] ?? 0
        this.#voteNotice({ kind: (this.ballot?.remaining ?? 0) > 0 && onNote >= ballot.maxPerNote ? 'max_per_note' : 'over_budget' })
      } else if (res.error === ERRORS.noVote || res.error === ERRORS.notFound || res.error === ERRORS.rateLimited) this.#voteNotice({ kind: res.error })
      else this.#voteNotice({ kind: 'failed', error: res.error })
    } finally {
      this.voteBusy = this.voteBusy.filter((id) => id !== noteId)
    }
  }

  #voteNotice(notice: VoteNotice): void {
    this.voteNotice = { ...notice, seq: ++this.#noticeSeq }
  }

  /** Take a refused note back into the draft, so it can be fixed and posted again. */
  editAgain(id: string): void {
    const post = this.posts.find((p) => p.id === id && p.state === 'refused')
    if (!post) return
    this.draft = this.draft.trim() ? `${this.draft}\n${post.text}` : post.text
    this.posts = this.posts.filter((p) => p !== post)
    this.#save()
  }

  async #checkExists(): Promise<void> {
    try {
      const res = await getJson<{ title: string }>(`${PATHS.sessions}/${encodeURIComponent(this.sessionId)}/join`)
      if (res.status === 404) this.#giveUp('not_found')
      else if (res.body && !this.title) this.title = res.body.title
    } catch {
      // Offline: the socket will tell us when the kiosk is reachable again.
    }
  }

  #onConnect(): void {
    this.#everConnected = true
    this.connection = 'connected'
    this.#reconnectMs = 0
    this.#clearRetry()
    void this.#flush()
    void this.#refreshMine()
    void this.#flushAnswers()
    this.questions.connected()
  }

  #onDisconnect(reason: string): void {
    this.#generation++
    this.questions.disconnected()
    for (const p of this.posts) if (p.state === 'sending') p.state = 'queued'
    for (const a of this.answers) if (a.state === 'sending') a.state = 'queued'
    this.#save()
    if (this.connection === 'not_found' || this.connection === 'forbidden') return
    this.connection = 'reconnecting'
    // Socket.io retries by itself except when the server itself closed the connection.
    if (reason === 'io server disconnect') this.#reconnectLater()
  }

  #onConnectError(err: unknown): void {
    const code = refusalCode(err)
    if (code === ERRORS.notFound) return this.#giveUp('not_found')
    if (code === ERRORS.forbiddenOrigin) return this.#giveUp('forbidden')
    this.connection = this.#everConnected ? 'reconnecting' : 'connecting'
    // A refusal (e.g. too many connections from this address) stops Socket.io's own retries.
    if (!this.#socket?.active) this.#reconnectLater()
  }

  #onState(state: SessionState): void {
    const before = this.room
    this.title = state.title
    this.prompt = state.prompt
    this.locked = state.locked
    this.closed = state.closed === true
    if (state.maxNoteChars > 0) this.maxChars = state.maxNoteChars
    this.phase = state.phase
    this.lang = state.lang ?? null
    this.timer = state.timer
    this.clockOffset = clockOffset(state.serverNow, Date.now())
    this.voting = state.voting === true
    this.faceDown = state.faceDown === true
    this.activity = state.activity ?? null
    // An older kiosk says only whether a vote is open.
    this.lastVote = state.vote !== undefined ? state.vote : this.voting ? { id: '', open: true } : null
    const after = this.room
    // A notice about the last note ("Sent.") is stale once the room has moved on.
    if (before.headline !== after.headline || before.posting !== after.posting) this.notice = null
    if (!this.voting) {
      this.ballot = null
      this.voteNotice = null
    }
  }

  #onVisible = (): void => {
    if (document.visibilityState === 'visible') {
      void this.#refreshMine()
      void this.questions.refreshMine()
    }
  }

  #giveUp(connection: 'not_found' | 'forbidden'): void {
    this.connection = connection
    clearTimeout(this.#reconnectTimer)
    this.#socket?.disconnect()
  }

  #reconnectLater(): void {
    clearTimeout(this.#reconnectTimer)
    this.#reconnectMs = Math.min(30_000, this.#reconnectMs ? this.#reconnectMs * 2 : 2_000)
    this.#reconnectTimer = setTimeout(() => this.#socket?.connect(), withJitter(this.#reconnectMs))
  }

  /** Send the queued notes in order; stops at the first one that has to wait. */
  async #flush(): Promise<void> {
    const socket = this.#socket
    const generation = this.#generation
    if (!socket || this.#flushingGeneration === generation) return
    this.#flushingGeneration = generation
    let sentAny = false
    try {
      while (this.connection === 'connected' && generation === this.#generation && this.#retryTimer === undefined) {
        const post = this.posts.find((p) => p.state === 'queued')
        if (!post) break
        post.state = 'sending'
        this.#save()
        const res = await request(socket, 'note:create', { id: post.id, text: post.text })
        if (generation !== this.#generation) return // disconnected meanwhile; it is queued again
        if (res === undefined) {
          post.state = 'queued'
          this.#retryLater()
        } else if (res.ok) {
          post.state = 'sent'
          sentAny = true
          this.#retryMs = 0
          this.#notify({ kind: 'sent' })
        } else if (TRY_AGAIN.includes(res.error)) {
          post.state = 'queued'
          this.#notify({ kind: res.error === ERRORS.rateLimited ? 'rate_limited' : 'unavailable' })
          this.#retryLater()
        } else {
          post.state = 'refused'
          post.error = res.error
          this.#notify({ kind: 'refused', error: res.error })
        }
        this.#save()
      }
    } finally {
      if (this.#flushingGeneration === generation) this.#flushingGeneration = -1
    }
    if (sentAny) void this.#refreshMine()
  }

  #retryLater(): void {
    this.#clearRetry()
    this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs ? this.#retryMs * 2 : FIRST_RETRY_MS)
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined
      void this.#flush()
    }, withJitter(this.#retryMs))
  }

  #clearRetry(): void {
    clearTimeout(this.#retryTimer)
    this.#retryTimer = undefined
  }

  /** Ask what became of the notes this phone sent (shown, waiting for approval, hidden…). */
  async #refreshMine(): Promise<void> {
    const socket = this.#socket
    if (!socket || this.connection !== 'connected') return
    const ids = this.posts.filter((p) => p.state !== 'refused').map((p) => p.id)
    if (ids.length === 0) return
    const res = await request(socket, 'note:mine', { ids: ids.slice(-100) })
    if (res?.ok) this.#applyStatus(res.notes)
  }

  #applyStatus(notes: readonly MyNote[]): void {
    const byId = new Map(notes.map((n) => [n.id, n]))
    for (const post of this.posts) {
      const mine = byId.get(post.id)
      if (!mine || mine.status === 'unknown') continue
      // It arrived although its ack was lost: no need to send it again.
      if (post.state === 'queued') post.state = 'sent'
      if (post.state === 'sent') post.status = mine.status
      // The facilitator corrected it: show what the board shows, and keep what was sent.
      if (mine.text !== undefined && mine.text !== post.text) {
        post.original ??= post.text
        post.text = mine.text
      }
    }
    this.#save()
  }

  #notify(notice: NoticeBody): void {
    const next = { ...notice, seq: ++this.#noticeSeq }
    this.notice = next
    clearTimeout(this.#noticeTimer)
    if (notice.kind !== 'sent') return
    this.#noticeTimer = setTimeout(() => {
      if (this.notice?.seq === next.seq) this.notice = null
    }, SENT_NOTICE_MS)
  }

  #save(): void {
    savePosts(this.sessionId, $state.snapshot(this.posts))
  }
}
