import { ERRORS, type Ack, type ErrorCode } from '../../../shared/errors.ts'
import type { ModerationMode } from '../../../shared/board.ts'
import type { KioskStatus, ModerationAction, SessionState, SessionSummary, SessionUpdatePayload } from '../../../shared/protocol.ts'
import { BoardRoom } from './board-room.svelte.ts'
import { codeOf, type ApiErrorCode, type Facilitator } from './facilitator.svelte.ts'
import { connect, refusalCode, request, type KioskSocket } from './socket.ts'

/**
 * One session seen from the facilitator's laptop: every note over Yjs (read-write with the
 * token), and moderation and settings over Socket.io as a facilitator. The document is the
 * truth; an action's effect shows when the server's change arrives there.
 */
export type ConsoleConnection = 'connecting' | 'connected' | 'reconnecting'

export type ConsoleFeedback =
  | { kind: 'failed'; why: ErrorCode | ApiErrorCode | 'timeout'; seq: number }
  | { kind: 'saved' | 'exported'; seq: number }

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

  #socket: KioskSocket | undefined
  #seq = 0

  constructor(facilitator: Facilitator, sessionId: string) {
    this.facilitator = facilitator
    this.sessionId = sessionId
    this.room = new BoardRoom(sessionId, { token: facilitator.token })
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

  get moderation(): ModerationMode {
    return this.room.meta.moderation
  }

  start(): void {
    void this.#loadSummary()
    this.room.start()
    const socket = connect({ session: this.sessionId, token: this.facilitator.token })
    this.#socket = socket
    socket.on('connect', () => (this.connection = 'connected'))
    socket.on('disconnect', () => (this.connection = 'reconnecting'))
    socket.on('session:state', (state) => (this.state = state))
    socket.on('kiosk:status', (status) => (this.storage = status))
    socket.on('connect_error', (err) => {
      const code = refusalCode(err)
      if (code === ERRORS.notFound) this.missing = true
      else if (code === ERRORS.unauthorized) this.facilitator.unauthorized = true
      else if (this.connection === 'connected') this.connection = 'reconnecting'
      // A refusal stops Socket.io's own retries; only "too many connections" is worth retrying.
      if (code === ERRORS.rateLimited && !socket.active) setTimeout(() => socket.connect(), 5_000)
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

  /** Fetch the record with the token (a plain link could not carry it) and save it as a file. */
  async exportJson(): Promise<void> {
    try {
      const blob = await this.facilitator.exportJson(this.sessionId)
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = `kurumaza-${this.sessionId}-${new Date().toISOString().slice(0, 10)}.json`
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
      this.feedback = { kind: 'exported', seq: ++this.#seq }
    } catch (err) {
      this.#fail(codeOf(err))
    }
  }

  destroy(): void {
    this.#socket?.disconnect()
    this.room.destroy()
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
