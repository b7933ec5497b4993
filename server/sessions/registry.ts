import * as Y from 'yjs'
import type { NoteStatus } from '../../shared/board.ts'
import { newBoardKey, newNoteId, newSessionId } from '../../shared/ids.ts'
import type { SessionState } from '../../shared/protocol.ts'
import { initBoard } from '../board/rules.ts'
import type { Config } from '../config.ts'
import type { Logger } from '../log.ts'
import { rows } from '../store/rows.ts'
import type { SessionRow, Store } from '../store/store.ts'
import { closeRooms, openRooms, boardRoom, roomConnections } from '../yjs/rooms.ts'
import type { SessionDamage } from '../../shared/protocol.ts'
import { Listeners } from './events.ts'
import { loadSessionDocs, sessionDamage } from './load.ts'
import { DocMirrors } from '../yjs/mirror.ts'
import type { Persistence } from './persistence.ts'
import { Presence } from './presence.ts'
import { LiveSession } from './session.ts'

/** What the session list shows of a session that is not in memory. */
export interface SessionSummaryRow {
  notes: number
  closed: boolean
}

/**
 * Another node holds the session's lease (several machines): it is served there, or here once
 * that node has let it go (it is asked to through `events.elsewhere`).
 */
export class SessionElsewhere extends Error {
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} is owned by another node`)
  }
}

/** How often a node waiting for a session's lease tries again. */
const LEASE_RETRY_MS = 50

/** How long after a change the session list's stored summary is brought up to date. */
const SUMMARY_DELAY_MS = 2_000

/**
 * The registry of sessions: makes and deletes them, loads a session's board from the store
 * before anyone is served (and puts it in the y-websocket rooms), takes idle ones out of
 * memory, and fans the live sessions' events out to whoever listens (transports, timers).
 */
export class SessionRegistry {
  private readonly live = new Map<string, LiveSession>()
  /** loads under way: every caller of one id waits for the same one */
  private readonly loading = new Map<string, Promise<LiveSession | undefined>>()
  /** sessions deleted while they loaded: the load ends without serving them */
  private readonly dropped = new Set<string>()
  private closed = false
  private readonly summaryTimers = new Map<string, NodeJS.Timeout>()
  /** summaries written since start: the list answers from here while the write is on its way */
  private readonly summaries = new Map<string, SessionSummaryRow>()
  readonly presence: Presence
  /** every loaded session's two documents, copied in a thread that answers sync step 1s off the event loop */
  readonly mirrors: DocMirrors
  readonly events = {
    state: new Listeners<[id: string, state: SessionState]>(),
    /** a note's status or text changed (status undefined: deleted; text given when it was edited) */
    noteStatus: new Listeners<[session: LiveSession, noteId: string, status: NoteStatus | undefined, text?: string]>(),
    /** something about the notes changed (a vote's ballot may need refreshing) */
    notes: new Listeners<[session: LiveSession]>(),
    /** dots were placed or taken back (or a vote opened and cleared them) */
    votes: new Listeners<[session: LiveSession]>(),
    /** a survey or the agenda changed */
    surveys: new Listeners<[session: LiveSession]>(),
    /** anything in the session's document changed (after each transaction) */
    changed: new Listeners<[session: LiveSession]>(),
    /** once for each session as it is loaded into memory */
    loaded: new Listeners<[session: LiveSession]>(),
    unloaded: new Listeners<[id: string]>(),
    /** a client asked for a session whose lease another node holds (the bus asks it to let go) */
    elsewhere: new Listeners<[id: string]>(),
    deleted: new Listeners<[id: string]>(),
  }

  constructor(
    private readonly store: Store,
    private readonly persistence: Persistence,
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.presence = new Presence(config.presenceIntervalMs)
    this.mirrors = new DocMirrors(log.child('mirror'))
  }

  /** Make a session; `fill` may write a starting board (an imported record, a template); an import keeps its date. */
  async create(title: string, prompt: string, fill?: (doc: Y.Doc) => void, createdAt = Date.now()): Promise<SessionRow> {
    const seed = this.seed(title, prompt, createdAt)
    fill?.(seed)
    return this.insertSeed(title, prompt, seed, createdAt, [Y.encodeStateAsUpdate(seed)])
  }

  /** The same, for a starting board written over several event-loop turns (a large import). */
  async createFilled(title: string, prompt: string, fill: (doc: Y.Doc) => Promise<void>, createdAt = Date.now()): Promise<SessionRow> {
    const seed = this.seed(title, prompt, createdAt)
    // Stored as the updates it was written in (the writer thread merges them), not one encoding
    // of the whole board: at the note cap that encoding alone would hold the event loop for
    // tens of milliseconds.
    const updates = [Y.encodeStateAsUpdate(seed)]
    seed.on('update', (update: Uint8Array) => updates.push(update))
    try {
      await fill(seed)
    } catch (err) {
      seed.destroy()
      throw err
    }
    return this.insertSeed(title, prompt, seed, createdAt, updates)
  }

  private seed(title: string, prompt: string, createdAt: number): Y.Doc {
    const seed = new Y.Doc()
    initBoard(seed, { title, prompt, createdAt }, newNoteId())
    return seed
  }

  /** The session's row and its first updates, in one transaction on the writer thread. */
  private async insertSeed(title: string, prompt: string, seed: Y.Doc, createdAt: number, updates: Uint8Array[]): Promise<SessionRow> {
    seed.destroy()
    let id = newSessionId()
    while (this.store.getSession(id)) id = newSessionId()
    const row: SessionRow = { id, title, prompt, boardKey: newBoardKey(), createdAt }
    const first = rows.newSession(row, updates[0]!)
    await this.persistence.write(updates.length > 1 ? [...first, rows.append(id, updates.slice(1))] : first)
    return row
  }

  /** Remove a session for good: its board, log and records in the database; its clients are cut off. */
  async delete(id: string): Promise<boolean> {
    if (!this.store.getSession(id)) return false
    const live = this.live.get(id)
    if (this.loading.has(id)) this.dropped.add(id)
    // Changes already made are written (and answered) before the session's rows go.
    this.persistence.flush()
    if (live) this.drop(live)
    this.summaries.delete(id)
    await this.persistence.write([rows.deleteSession(id)])
    this.events.deleted.emit(id)
    return true
  }

  /** The row of a stored session (loaded or not). */
  row(id: string): SessionRow | undefined {
    return this.live.get(id)?.row ?? this.store.getSession(id)
  }

  list(): SessionRow[] {
    return this.store.listSessions()
  }

  /** The session if its board is in memory now (never loads one). */
  get(id: string): LiveSession | undefined {
    return this.live.get(id)
  }

  /**
   * The live session, loading its board from the store first; undefined for an unknown id.
   * A load takes several turns of the event loop at the note cap (see sessions/load.ts); every
   * connection that asks meanwhile waits for the same one, and none is served a half-loaded
   * board. Rejects only when the store cannot be read at all (a damaged row is set aside
   * instead); then no room is left behind and the caller refuses the connection.
   */
  load(id: string): Promise<LiveSession | undefined> {
    const existing = this.live.get(id)
    if (existing) return Promise.resolve(existing)
    let loading = this.loading.get(id)
    if (!loading) {
      loading = this.loadNow(id).finally(() => {
        this.loading.delete(id)
        this.dropped.delete(id)
      })
      this.loading.set(id, loading)
    }
    return loading
  }

  private async loadNow(id: string): Promise<LiveSession | undefined> {
    const row = this.store.getSession(id)
    if (!row || this.closed) return undefined
    if (!this.store.takeLease(id)) {
      this.events.elsewhere.emit(id)
      throw new SessionElsewhere(id)
    }
    let loaded
    try {
      loaded = await loadSessionDocs(this.store, id, boardRoom(id), this.log, this.config.loadStepMs, this.mirrors)
    } catch (err) {
      if (!this.live.has(id)) this.store.releaseLease(id)
      throw err
    }
    const { doc, board, stored } = loaded
    // Deleted, or the kiosk closing, while it loaded: nothing of it is served.
    if (this.closed || this.dropped.has(id)) {
      closeRooms(id, doc, board)
      if (!this.closed) this.store.releaseLease(id)
      return undefined
    }
    const session = new LiveSession(row, doc, board, stored, this.persistence, { maxNoteChars: this.config.limits.maxNoteChars }, {
      state: (s, state) => this.events.state.emit(s.id, state),
      noteStatus: (s, noteId, status, text) => this.events.noteStatus.emit(s, noteId, status, text),
      notes: (s) => this.events.notes.emit(s),
      votes: (s) => this.events.votes.emit(s),
      surveys: (s) => this.events.surveys.emit(s),
      texts: (s) => this.persistence.writeQuietly([rows.texts(s.id, s.row.title, s.row.prompt)], 'session texts'),
      changed: (s) => {
        this.scheduleSummary(s)
        this.events.changed.emit(s)
      },
    }, this.store.noteIds(id))
    openRooms(id, doc, board)
    this.live.set(id, session)
    this.presence.publish(session)
    this.events.loaded.emit(session)
    return session
  }

  /**
   * The same, waiting up to `waitMs` for another node to let the session go (it is asked to at
   * once): a client routed here is served here, not refused, while the owner hands over.
   */
  async acquire(id: string, waitMs: number): Promise<LiveSession | undefined> {
    const until = Date.now() + waitMs
    for (;;) {
      try {
        return await this.load(id)
      } catch (err) {
        if (!(err instanceof SessionElsewhere) || Date.now() >= until) throw err
      }
      await new Promise((r) => setTimeout(r, LEASE_RETRY_MS))
    }
  }

  /**
   * Let another node have a session this one holds: what was changed is stored first, then the
   * documents and their connections go (clients reconnect through the proxy to the node it
   * routes them to) and the lease is given back once the last write has committed.
   */
  async yieldSession(id: string): Promise<void> {
    const live = this.live.get(id)
    if (!live) return
    this.writeSummary(live)
    this.drop(live, 'close', false)
    this.events.unloaded.emit(id)
    try {
      await this.persistence.write([])
    } finally {
      if (!this.live.has(id)) this.store.releaseLease(id)
    }
  }

  /** What the facilitator is told of a session's changes that could not be read; null when none. */
  damage(id: string): SessionDamage | null {
    return sessionDamage(this.store, id)
  }

  /** Sessions in memory now. */
  loaded(): LiveSession[] {
    return [...this.live.values()]
  }

  /** A connection of any kind starts using the session: it stays in memory. */
  hold(session: LiveSession): void {
    session.holds++
  }

  release(session: LiveSession): void {
    session.holds = Math.max(0, session.holds - 1)
    if (session.holds === 0) session.idleSince = Date.now()
  }

  /**
   * Take sessions nobody has used for `idleMs` out of memory (their boards are in the store), so
   * a kiosk used for many workshops does not grow with each one. They load again on demand.
   */
  unloadIdle(idleMs: number, now = Date.now()): string[] {
    const gone: string[] = []
    for (const s of this.live.values()) {
      if (s.holds > 0 || now - s.idleSince < idleMs || roomConnections(s.doc, s.board) > 0 || !s.log.idle) continue
      this.writeSummary(s)
      this.drop(s)
      this.events.unloaded.emit(s.id)
      gone.push(s.id)
    }
    return gone
  }

  /** Notes on the board and whether it is closed, without loading a session that is not in memory. */
  summary(row: SessionRow): SessionSummaryRow {
    return this.live.get(row.id)?.summary() ?? this.summaries.get(row.id) ?? row.summary ?? { notes: 0, closed: false }
  }

  private scheduleSummary(s: LiveSession): void {
    if (this.summaryTimers.has(s.id)) return
    const t = setTimeout(() => {
      this.summaryTimers.delete(s.id)
      if (this.live.get(s.id) === s) this.writeSummary(s)
    }, SUMMARY_DELAY_MS)
    t.unref()
    this.summaryTimers.set(s.id, t)
  }

  private writeSummary(s: LiveSession): void {
    const summary = s.summary()
    this.summaries.set(s.id, summary)
    this.persistence.writeQuietly([rows.summary(s.id, summary)], 'a session summary')
  }

  /**
   * Forget a session's documents and connections (after unloading or deleting it); its lease
   * goes back once what it wrote has committed, unless `release` is false (the caller does it).
   */
  private drop(s: LiveSession, how: 'close' | 'terminate' = 'close', release = true): void {
    const id = s.id
    this.live.delete(id)
    this.presence.forget(id)
    clearTimeout(this.summaryTimers.get(id))
    this.summaryTimers.delete(id)
    s.destroy()
    closeRooms(id, s.doc, s.board, how)
    if (release && this.store.dialect !== 'sqlite')
      this.persistence.write([]).then(
        () => !this.live.has(id) && this.store.releaseLease(id),
        () => {}, // the store is closing: its connection, and the lease with it, goes anyway
      )
  }

  /** Write the summaries, cut every connection off and forget every session (shutting down). */
  close(): void {
    this.closed = true
    this.presence.close()
    for (const s of this.live.values()) this.writeSummary(s)
    this.persistence.flush()
    for (const s of [...this.live.values()]) this.drop(s, 'terminate', false)
    void this.mirrors.close()
  }
}
