import { ERRORS, type Ack, type ErrorCode } from '../../../shared/errors.ts'
import type { ModerationMode, Phase, Spotlight } from '../../../shared/board.ts'
import { newClientId } from '../../../shared/ids.ts'
import type { WordEditRequest } from '../../../shared/word-edits.ts'
import type { QuestionAction, QuestionMode } from '../../../shared/questions.ts'
import type { ClientToServerEvents, KioskStatus, SessionDamage, ModerationAction, SessionState, SessionSummary, SessionUpdatePayload, SurveyAnswerValue, VoteOpenPayload, VoteTurnout } from '../../../shared/protocol.ts'
import { roomState, type RoomState } from '../../../shared/room-state.ts'
import { BoardRoom } from '../lib/board-room.svelte.ts'
import { clockOffset } from '../lib/clock.ts'
import type { ApiErrorCode, Facilitator } from './facilitator.svelte.ts'
import { GroupingBoard } from './grouping.svelte.ts'
import type { ConsoleKey, Params } from '../lib/i18n.ts'
import { connect, refusalCode, request, type KioskSocket } from '../lib/socket.ts'

/**
 * One session seen from the facilitator's laptop: every note over Yjs (read-write with the
 * token), and moderation and settings over Socket.io as a facilitator. The document is the
 * truth; an action's effect shows when the server's change arrives there.
 */
export type ConsoleConnection = 'connecting' | 'connected' | 'reconnecting'

export type FailureReason = ErrorCode | ApiErrorCode | 'timeout'

export type ConsoleFeedback =
  | { kind: 'failed'; why: FailureReason; seq: number }
  | { kind: 'saved' | 'exported'; seq: number }
  | { kind: 'done'; key: ConsoleKey; params?: Params; seq: number }

export class SessionConsole {
  readonly sessionId: string
  readonly facilitator: Facilitator
  readonly room: BoardRoom
  summary = $state.raw<SessionSummary | null>(null)
  missing = $state(false)
  connection = $state<ConsoleConnection>('connecting')
  state = $state.raw<SessionState | null>(null)
  /** note ids with an action on its way, so their buttons wait */
  busy = $state<string[]>([])
  updating = $state(false)
  feedback = $state<ConsoleFeedback | null>(null)
  /** the kiosk says it cannot write its database: phones' notes are being refused */
  storage = $state.raw<KioskStatus>({ storage: 'ok' })
  /** parts of this session's saved board the kiosk could not read and set aside, until dismissed */
  damage = $state.raw<SessionDamage | null>(null)
  /** kiosk time minus this laptop's time, from the last `session:state` */
  clockOffset = $state(0)
  /** the word list, once loaded: the console says which listed word held a note */
  words = $state.raw<string[]>([])
  /** how many phones have voted in the open (or last) vote */
  turnout = $state.raw<VoteTurnout | null>(null)
  /** KJ grouping, written straight into the read-write document, with undo */
  readonly grouping: GroupingBoard

  #socket: KioskSocket | undefined
  #seq = 0

  constructor(facilitator: Facilitator, sessionId: string) {
    this.facilitator = facilitator
    this.sessionId = sessionId
    this.room = new BoardRoom(sessionId, { token: facilitator.token })
    this.grouping = new GroupingBoard(this.room.doc)
  }

  get title(): string {
    return this.room.meta.title || this.state?.title || this.summary?.title || ''
  }

  get prompt(): string {
    return this.room.synced ? this.room.meta.prompt : (this.state?.prompt ?? this.summary?.prompt ?? '')
  }

  get locked(): boolean {
    return this.state?.locked ?? this.room.meta.locked
  }

  /** closed by the facilitator: read-only for phones, kept as a record */
  get closed(): boolean {
    return this.state?.closed ?? this.room.meta.closed
  }

  /** What state the room is in: the same rule the phones and the board word it by. */
  get roomState(): RoomState {
    const meta = this.room.meta
    return roomState({ closed: this.closed, locked: this.locked, phase: this.phase, faceDown: meta.faceDown, vote: meta.vote })
  }

  get moderation(): ModerationMode {
    return this.room.meta.moderation
  }

  start(): void {
    void this.#loadSummary()
    this.room.start()
    const socket = connect({ session: this.sessionId, token: this.facilitator.token })
    this.#socket = socket
    socket.on('connect', () => {
      this.connection = 'connected'
      void this.loadWords()
    })
    socket.on('disconnect', () => (this.connection = 'reconnecting'))
    socket.on('session:state', (state) => {
      // Just closed (here or elsewhere): the list now knows where the record files were written.
      if (state.closed && !this.state?.closed && !this.summary?.recordFiles?.length) void this.#awaitRecordFiles()
      this.state = state
      this.clockOffset = clockOffset(state.serverNow, Date.now())
    })
    socket.on('kiosk:status', (status) => (this.storage = status))
    socket.on('vote:turnout', (turnout) => (this.turnout = turnout))
    socket.on('session:damaged', (damage) => (this.damage = damage))
    socket.on('connect_error', (err) => {
      const code = refusalCode(err)
      if (code === ERRORS.notFound) this.missing = true
      else if (code === ERRORS.unauthorized) this.facilitator.unauthorized = true
      else if (this.connection === 'connected') this.connection = 'reconnecting'
      // A refusal stops Socket.io's own retries; "too many connections" and "unavailable" (the
      // store, or another node still handing the session over) are worth retrying.
      if ((code === ERRORS.rateLimited || code === ERRORS.unavailable) && !socket.active) setTimeout(() => socket.connect(), code === ERRORS.unavailable ? 1_000 : 5_000)
    })
  }

  async moderate(noteId: string, action: ModerationAction): Promise<void> {
    if (this.busy.includes(noteId)) return
    this.busy.push(noteId)
    try {
      await this.#ask((socket) => request(socket, 'note:moderate', { noteId, action }))
    } finally {
      this.busy = this.busy.filter((id) => id !== noteId)
    }
  }

  /** True when the kiosk took the change. */
  async update(payload: SessionUpdatePayload): Promise<boolean> {
    this.updating = true
    try {
      const res = await this.#ask((socket) => request(socket, 'session:update', payload))
      return res?.ok === true
    } finally {
      this.updating = false
    }
  }

  async saveTexts(title: string, prompt: string): Promise<boolean> {
    const ok = await this.update({ title, prompt })
    if (ok) this.feedback = { kind: 'saved', seq: ++this.#seq }
    return ok
  }

  /** Change the current prompt's text (phones and the board follow). */
  async savePrompt(prompt: string): Promise<boolean> {
    const ok = await this.update({ prompt })
    if (ok) this.feedback = { kind: 'saved', seq: ++this.#seq }
    return ok
  }

  get phase(): Phase {
    return this.room.synced ? this.room.meta.phase : (this.state?.phase ?? 'collect')
  }

  setPhase(phase: Phase): Promise<boolean> {
    return this.update({ phase })
  }

  /** Turn every note face up on the board: one action, the reveal phase with the cards face up. */
  reveal(): Promise<boolean> {
    return this.update({ faceDown: false, phase: 'reveal' })
  }

  /** Stop or restart posting from phones. */
  setLocked(locked: boolean): Promise<boolean> {
    return this.update({ locked })
  }

  setSpotlight(spotlight: Spotlight | null): Promise<boolean> {
    return this.update({ spotlight })
  }

  /** The new prompt's id, or undefined (the reason is in `feedback`). */
  async addPrompt(text: string, makeCurrent: boolean): Promise<string | undefined> {
    const res = await this.#ask((socket) => request(socket, 'prompt:add', { text, makeCurrent }))
    return res?.ok ? res.promptId : undefined
  }

  /** A survey (or a poll: one question); its id, or the reason next to the form. */
  async createSurvey(payload: Parameters<ClientToServerEvents['survey:create']>[0]) {
    return this.#quiet((socket) => request(socket, 'survey:create', payload))
  }

  async deleteSurvey(surveyId: string): Promise<boolean> {
    return (await this.#ask((socket) => request(socket, 'survey:delete', { surveyId })))?.ok === true
  }

  async openRound(surveyId: string, label: string, live: boolean): Promise<boolean> {
    return (await this.#ask((socket) => request(socket, 'survey:open', { surveyId, label, live })))?.ok === true
  }

  async closeRound(surveyId: string): Promise<boolean> {
    return (await this.#ask((socket) => request(socket, 'survey:close', { surveyId })))?.ok === true
  }

  async revealRound(surveyId: string, round: number, shown: boolean): Promise<boolean> {
    return (await this.#ask((socket) => request(socket, 'survey:reveal', { surveyId, round, shown })))?.ok === true
  }

  /** Hide, show again, merge or unmerge a word of a text question's cloud (every round); the reason goes next to the words. */
  async editCloudWords(surveyId: string, question: number, req: WordEditRequest) {
    return this.#quiet((socket) => request(socket, 'survey:words', { surveyId, question, ...req }))
  }

  /** A paper answer sheet typed in for someone without a phone: its own respondent. */
  async paperAnswer(surveyId: string, round: number, answers: SurveyAnswerValue[]) {
    return this.#quiet((socket) => request(socket, 'survey:answer', { surveyId, round, answers, sheetId: newClientId() }))
  }

  async addActivity(payload: Parameters<ClientToServerEvents['agenda:add']>[0]) {
    return this.#quiet((socket) => request(socket, 'agenda:add', payload))
  }

  async moveActivity(activityId: string, index: number): Promise<boolean> {
    return (await this.#ask((socket) => request(socket, 'agenda:move', { activityId, index })))?.ok === true
  }

  async removeActivity(activityId: string): Promise<boolean> {
    return (await this.#ask((socket) => request(socket, 'agenda:remove', { activityId })))?.ok === true
  }

  async makeCurrent(activityId: string): Promise<boolean> {
    return (await this.#ask((socket) => request(socket, 'agenda:current', { activityId })))?.ok === true
  }

  /** Correct a note's text; answers the kiosk's verdict so the form can say what was wrong. */
  async editNote(noteId: string, text: string): Promise<{ ok: true } | { ok: false; why: FailureReason }> {
    const res = await this.#quiet((socket) => request(socket, 'note:edit', { noteId, text }))
    return res.ok ? { ok: true } : res
  }

  /** Type in a paper note for someone without a phone (the facilitator is not rate limited). */
  async postForSomeone(text: string): Promise<{ ok: true } | { ok: false; why: FailureReason }> {
    const res = await this.#quiet((socket) => request(socket, 'note:create', { id: newClientId(), text }))
    if (!res.ok) return res
    return { ok: true }
  }

  async loadWords(): Promise<string[] | undefined> {
    const res = await this.#ask((socket) => request(socket, 'words:get', {}))
    if (res?.ok) this.words = res.words
    return res?.ok ? res.words : undefined
  }

  /** The list as the kiosk kept it (cleaned, without repeats), or undefined. */
  async saveWords(words: string[]): Promise<string[] | undefined> {
    const res = await this.#ask((socket) => request(socket, 'words:set', { words }))
    if (res?.ok) this.words = res.words
    return res?.ok ? res.words : undefined
  }

  async openVote(payload: VoteOpenPayload): Promise<boolean> {
    const res = await this.#ask((socket) => request(socket, 'vote:open', payload))
    return res?.ok === true
  }

  async closeVote(): Promise<boolean> {
    const res = await this.#ask((socket) => request(socket, 'vote:close', {}))
    return res?.ok === true
  }

  async startTimer(seconds: number, lockOnEnd: boolean): Promise<boolean> {
    const res = await this.#ask((socket) => request(socket, 'timer:start', { seconds, lockOnEnd }))
    return res?.ok === true
  }

  async stopTimer(): Promise<boolean> {
    const res = await this.#ask((socket) => request(socket, 'timer:stop', {}))
    return res?.ok === true
  }

  /** Questions off, open or moderated; opening them also puts them on the board. */
  setQuestionMode(mode: QuestionMode): Promise<boolean> {
    return this.update(mode === 'off' ? { questions: mode } : { questions: mode, questionsOnBoard: true })
  }

  setQuestionsOnBoard(questionsOnBoard: boolean): Promise<boolean> {
    return this.update({ questionsOnBoard })
  }

  /** Approve, hide, delete, highlight, mark answered, restore a question (`edit` goes through editQuestion). */
  async moderateQuestion(questionId: string, action: Exclude<QuestionAction, 'edit'>): Promise<void> {
    const key = `q:${questionId}`
    if (this.busy.includes(key)) return
    this.busy.push(key)
    try {
      await this.#ask((socket) => request(socket, 'question:moderate', { questionId, action }))
    } finally {
      this.busy = this.busy.filter((id) => id !== key)
    }
  }

  /** Correct a question's text; answers the kiosk's verdict so the form can say what was wrong. */
  async editQuestion(questionId: string, text: string): Promise<{ ok: true } | { ok: false; why: FailureReason }> {
    const res = await this.#quiet((socket) => request(socket, 'question:moderate', { questionId, action: 'edit', text }))
    return res.ok ? { ok: true } : res
  }

  /** Moderate every note waiting for approval, one after the other. */
  async approveAll(): Promise<void> {
    for (const note of this.room.notes.filter((n) => n.status === 'pending')) await this.moderate(note.id, 'approve')
  }

  destroy(): void {
    this.#socket?.disconnect()
    this.grouping.destroy()
    this.room.destroy()
  }

  /** Like #ask, but the caller shows the reason next to its own form. */
  async #quiet<R extends Ack>(
    send: (socket: KioskSocket) => Promise<R | undefined>,
  ): Promise<Extract<R, { ok: true }> | { ok: false; why: FailureReason }> {
    const socket = this.#socket
    if (!socket?.connected) return { ok: false, why: 'network' }
    const res = await send(socket)
    if (!res) return { ok: false, why: 'timeout' }
    if (!res.ok) {
      if (res.error === ERRORS.unauthorized) this.facilitator.unauthorized = true
      return { ok: false, why: res.error }
    }
    return res as Extract<R, { ok: true }>
  }

  /** Send over the facilitator socket; any failure becomes feedback the page shows. */
  async #ask<R extends Ack>(send: (socket: KioskSocket) => Promise<R | undefined>): Promise<R | undefined> {
    const socket = this.#socket
    if (!socket?.connected) {
      this.#fail('network')
      return undefined
    }
    const res = await send(socket)
    if (!res) this.#fail('timeout')
    else if (!res.ok) {
      if (res.error === ERRORS.unauthorized) this.facilitator.unauthorized = true
      this.#fail(res.error)
    }
    return res
  }

  /** The record files are written just after the session closes: ask until the list names them. */
  async #awaitRecordFiles(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      if (i > 0) {
        await new Promise((resolve) => setTimeout(resolve, 500))
        if (!this.state?.closed) return
      }
      await this.#loadSummary()
      if (this.summary?.recordFiles?.length) return
    }
  }

  async #loadSummary(): Promise<void> {
    try {
      const all = await this.facilitator.listSessions()
      this.summary = all.find((s) => s.id === this.sessionId) ?? null
      if (!this.summary) this.missing = true
    } catch {
      // 401 is recorded by Facilitator; otherwise the live document still works without links.
    }
  }

  #fail(why: ErrorCode | ApiErrorCode | 'timeout'): void {
    this.feedback = { kind: 'failed', why, seq: ++this.#seq }
  }
}
