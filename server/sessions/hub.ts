import * as Y from 'yjs'
import { WSSharedDoc, docs as yjsRooms } from '@y/websocket-server/utils'
import { metaMap, notesMap, readMeta } from '../../shared/board-doc.ts'
import type { NoteStatus } from '../../shared/board.ts'
import { newBoardKey, newNoteId, newSessionId } from '../../shared/ids.ts'
import type { ServerPresence, SessionState } from '../../shared/protocol.ts'
import { PROTOCOL_VERSION } from '../../shared/protocol.ts'
import { projectChanges } from '../board/projection.ts'
import { initBoard } from '../board/rules.ts'
import type { Config } from '../config.ts'
import type { Logger } from '../log.ts'
import type { SessionRow, Store } from '../store/store.ts'
import { loadSessionDocs } from './load.ts'

/** The y-websocket room name of a session's board projection (session ids never contain ':'). */
export const boardRoom = (id: string) => `${id}:board`

/**
 * A session whose board is in memory: its row, the facilitator's Y.Doc (the y-websocket room
 * `<id>`), the board's projection of it (room `<id>:board`, served to read-only connections)
 * and who is here.
 */
export interface LiveSession {
  row: SessionRow
  doc: WSSharedDoc
  board: WSSharedDoc
  /** open connections per phone (a phone with two tabs is still one phone) */
  phones: Map<string, number>
  updatesSinceCompaction: number
  /**
   * Set when a change reached the Y.Doc but not the store. Appending later updates alone would
   * leave a hole in the log (Yjs cannot apply an update whose predecessors are missing), so the
   * next write stores the whole state instead.
   */
  needsFullState: boolean
  /** open connections of any kind (phones, consoles, boards); at zero the session may be unloaded */
  holds: number
  /** when `holds` last became zero */
  idleSince: number
}

/** What the session list shows of a session that is not in memory. */
export interface SessionSummaryRow {
  notes: number
  closed: boolean
}

type StateListener = (id: string, state: SessionState) => void
/** A note's status changed (undefined: deleted). */
type NoteStatusListener = (session: LiveSession, noteId: string, status: NoteStatus | undefined) => void
/** Something about the notes changed (a vote's ballot may need refreshing). */
type NotesListener = (session: LiveSession) => void

/**
 * Owns every session's Y.Doc: loads it synchronously from the store before anyone is served,
 * writes each of its updates to the store as it happens, compacts the log, and publishes the
 * phone count to boards through the room's awareness (ephemeral, never stored).
 */
export class SessionHub {
  private readonly live = new Map<string, LiveSession>()
  private readonly stateListeners = new Set<StateListener>()
  private readonly noteStatusListeners = new Set<NoteStatusListener>()
  private readonly notesListeners = new Set<NotesListener>()
  private readonly loadListeners = new Set<(session: LiveSession) => void>()
  private readonly deleteListeners = new Set<(id: string) => void>()
  private readonly unloadListeners = new Set<(id: string) => void>()
  private readonly summaryTimers = new Map<string, NodeJS.Timeout>()
  private readonly presenceTimers = new Map<string, NodeJS.Timeout>()
  /** While set, updates are collected here for the caller to store in its own transaction. */
  private capture: Array<{ id: string; update: Uint8Array }> | null = null
  private storeErrorValue: string | null = null
  private readonly storeListeners = new Set<(error: string | null) => void>()

  /** Set when a write to the store failed; cleared by the next one that succeeds. */
  get storeError(): string | null {
    return this.storeErrorValue
  }

  set storeError(error: string | null) {
    if (error === this.storeErrorValue) return
    this.storeErrorValue = error
    for (const fn of this.storeListeners) fn(error)
  }

  /** Called when writing to the store starts or stops failing. */
  onStoreHealth(fn: (error: string | null) => void): () => void {
    this.storeListeners.add(fn)
    return () => this.storeListeners.delete(fn)
  }

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  /** Make a session; `fill` may write a starting board (an imported record, a template). */
  create(title: string, prompt: string, fill?: (doc: Y.Doc) => void): SessionRow {
    let id = newSessionId()
    while (this.store.getSession(id)) id = newSessionId()
    const row: SessionRow = { id, title, prompt, boardKey: newBoardKey(), createdAt: Date.now() }
    const seed = new Y.Doc()
    initBoard(seed, row, newNoteId())
    fill?.(seed)
    this.store.insertSession(row, Y.encodeStateAsUpdate(seed))
    seed.destroy()
    return row
  }

  /** Remove a session for good: its board, log and records in the database; its clients are cut off. */
  delete(id: string): boolean {
    if (!this.store.getSession(id)) return false
    const live = this.live.get(id)
    this.store.deleteSession(id)
    if (live) this.drop(live)
    for (const fn of this.deleteListeners) fn(id)
    return true
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
      if (s.holds > 0 || now - s.idleSince < idleMs || s.doc.conns.size > 0 || s.board.conns.size > 0) continue
      this.writeSummary(s)
      this.drop(s)
      for (const fn of this.unloadListeners) fn(s.row.id)
      gone.push(s.row.id)
    }
    return gone
  }

  onUnloaded(fn: (id: string) => void): () => void {
    this.unloadListeners.add(fn)
    return () => this.unloadListeners.delete(fn)
  }

  /** Notes on the board and whether it is closed, without loading a session that is not in memory. */
  summary(row: SessionRow): SessionSummaryRow {
    const live = this.live.get(row.id)
    if (live) return this.summarise(live)
    return row.summary ?? { notes: 0, closed: false }
  }

  private summarise(s: LiveSession): SessionSummaryRow {
    let notes = 0
    notesMap(s.doc).forEach((n) => {
      if (n instanceof Y.Map && n.get('status') === 'visible') notes++
    })
    return { notes, closed: readMeta(s.doc).closed }
  }

  private scheduleSummary(s: LiveSession): void {
    if (this.summaryTimers.has(s.row.id)) return
    const t = setTimeout(() => {
      this.summaryTimers.delete(s.row.id)
      if (this.live.get(s.row.id) === s) this.writeSummary(s)
    }, 2_000)
    t.unref()
    this.summaryTimers.set(s.row.id, t)
  }

  private writeSummary(s: LiveSession): void {
    try {
      this.store.setSummary(s.row.id, this.summarise(s))
    } catch (err) {
      this.log.error('could not store a session summary:', err)
    }
  }

  /** Forget a session's documents and connections (after unloading or deleting it). */
  private drop(s: LiveSession): void {
    const id = s.row.id
    this.live.delete(id)
    clearTimeout(this.presenceTimers.get(id))
    this.presenceTimers.delete(id)
    clearTimeout(this.summaryTimers.get(id))
    this.summaryTimers.delete(id)
    if (yjsRooms.get(id) === s.doc) yjsRooms.delete(id)
    if (yjsRooms.get(boardRoom(id)) === s.board) yjsRooms.delete(boardRoom(id))
    for (const d of [s.doc, s.board]) {
      for (const conn of d.conns.keys()) (conn as { close?: () => void }).close?.()
      d.destroy()
    }
  }

  onDeleted(fn: (id: string) => void): () => void {
    this.deleteListeners.add(fn)
    return () => this.deleteListeners.delete(fn)
  }

  list(): SessionRow[] {
    return this.store.listSessions()
  }

  /** The live session, loading its board from the store first; undefined for an unknown id. */
  get(id: string): LiveSession | undefined {
    const existing = this.live.get(id)
    if (existing) return existing
    const row = this.store.getSession(id)
    if (!row) return undefined
    const { doc, board, stored } = loadSessionDocs(this.store, id, boardRoom(id), this.log)
    const session: LiveSession = { row, doc, board, phones: new Map(), updatesSinceCompaction: stored, needsFullState: false, holds: 0, idleSince: Date.now() }
    // y-websocket's setupWSConnection finds the rooms here; it must never make one of its own.
    yjsRooms.set(id, doc)
    yjsRooms.set(boardRoom(id), board)
    this.live.set(id, session)
    doc.on('afterTransaction', (tr: Y.Transaction) => projectChanges(doc, board, tr))
    doc.on('update', (update: Uint8Array) => this.persist(session, update))
    metaMap(doc).observe(() => this.metaChanged(session))
    notesMap(doc).observeDeep((events) => this.notesChanged(session, events))
    doc.on('afterTransaction', () => this.scheduleSummary(session))
    this.publishPresence(session)
    for (const fn of this.loadListeners) fn(session)
    return session
  }

  /** Run `fn` and return the Yjs updates it made, instead of storing them one by one. */
  collectUpdates(fn: () => void): Array<{ id: string; update: Uint8Array }> {
    const collected: Array<{ id: string; update: Uint8Array }> = []
    this.capture = collected
    try {
      fn()
    } finally {
      this.capture = null
    }
    return collected
  }

  /** Store updates collected by `collectUpdates`; call inside the caller's store transaction. */
  storeCollected(collected: Array<{ id: string; update: Uint8Array }>): void {
    const whole = new Set<string>()
    for (const { id, update } of collected) {
      const s = this.live.get(id)
      if (s?.needsFullState) {
        if (!whole.has(id)) this.store.compact(id, Y.encodeStateAsUpdate(s.doc))
        whole.add(id)
      } else this.store.appendUpdate(id, update)
    }
  }

  /** After collected updates were stored: count them and compact where due. */
  afterStored(collected: Array<{ id: string; update: Uint8Array }>): void {
    for (const { id } of collected) {
      const s = this.live.get(id)
      if (!s) continue
      if (s.needsFullState) {
        s.needsFullState = false
        s.updatesSinceCompaction = 1
      } else this.countAndMaybeCompact(s)
    }
  }

  /** Collected updates could not be stored: the sessions' next writes store their whole state. */
  notStored(collected: Array<{ id: string; update: Uint8Array }>): void {
    for (const { id } of collected) {
      const s = this.live.get(id)
      if (s) s.needsFullState = true
    }
  }

  state(session: LiveSession): SessionState {
    const meta = readMeta(session.doc)
    return {
      id: session.row.id,
      title: meta.title,
      prompt: meta.prompt,
      promptId: meta.currentPromptId,
      locked: meta.locked,
      closed: meta.closed,
      lang: meta.lang,
      phase: meta.phase,
      maxNoteChars: this.config.limits.maxNoteChars,
      timer: meta.timer ? { endsAt: meta.timer.endsAt, seconds: meta.timer.seconds } : null,
      serverNow: Date.now(),
      voting: meta.vote?.open === true,
      protocol: PROTOCOL_VERSION,
    }
  }

  /** Sessions in memory now. */
  loaded(): LiveSession[] {
    return [...this.live.values()]
  }

  onStateChange(fn: StateListener): () => void {
    this.stateListeners.add(fn)
    return () => this.stateListeners.delete(fn)
  }

  /** Called once for each session as it is loaded into memory. */
  onLoaded(fn: (session: LiveSession) => void): () => void {
    this.loadListeners.add(fn)
    return () => this.loadListeners.delete(fn)
  }

  /**
   * Change a board and write rows of the caller's in one SQLite transaction. When the store
   * fails, `undo` takes the change back off the board and the error is thrown to the caller.
   */
  commit<T>(change: () => T, rows: () => void, undo: () => void): T {
    let result: T | undefined
    const collected = this.collectUpdates(() => {
      result = change()
    })
    try {
      this.store.transaction(() => {
        this.storeCollected(collected)
        rows()
      })
    } catch (err) {
      this.notStored(collected)
      this.log.error('could not store a change; it was taken back:', err)
      undo()
      this.storeError = (err as Error).message
      throw err
    }
    this.storeError = null
    this.afterStored(collected)
    return result as T
  }

  onNoteStatus(fn: NoteStatusListener): () => void {
    this.noteStatusListeners.add(fn)
    return () => this.noteStatusListeners.delete(fn)
  }

  onNotesChanged(fn: NotesListener): () => void {
    this.notesListeners.add(fn)
    return () => this.notesListeners.delete(fn)
  }

  phoneJoined(session: LiveSession, phoneKey: string): void {
    session.phones.set(phoneKey, (session.phones.get(phoneKey) ?? 0) + 1)
    this.schedulePresence(session)
  }

  phoneLeft(session: LiveSession, phoneKey: string): void {
    const n = session.phones.get(phoneKey) ?? 0
    if (n <= 1) session.phones.delete(phoneKey)
    else session.phones.set(phoneKey, n - 1)
    this.schedulePresence(session)
  }

  close(): void {
    for (const t of this.presenceTimers.values()) clearTimeout(t)
    this.presenceTimers.clear()
    for (const t of this.summaryTimers.values()) clearTimeout(t)
    for (const s of this.live.values()) this.writeSummary(s)
    for (const [id, s] of this.live) {
      if (yjsRooms.get(id) === s.doc) yjsRooms.delete(id)
      if (yjsRooms.get(boardRoom(id)) === s.board) yjsRooms.delete(boardRoom(id))
      for (const d of [s.doc, s.board]) {
        for (const conn of d.conns.keys()) (conn as { terminate?: () => void }).terminate?.()
        d.destroy()
      }
    }
    this.live.clear()
  }

  private persist(session: LiveSession, update: Uint8Array): void {
    if (this.capture) {
      this.capture.push({ id: session.row.id, update })
      return
    }
    try {
      if (session.needsFullState) {
        this.store.compact(session.row.id, Y.encodeStateAsUpdate(session.doc))
        session.needsFullState = false
        session.updatesSinceCompaction = 1
      } else {
        this.store.appendUpdate(session.row.id, update)
        this.countAndMaybeCompact(session)
      }
      this.storeError = null
    } catch (err) {
      // The change stays in memory and on screens; the next write stores the whole state.
      session.needsFullState = true
      this.storeError = (err as Error).message
      this.log.error(`could not store a board change of session ${session.row.id}:`, err)
    }
  }

  private countAndMaybeCompact(session: LiveSession): void {
    session.updatesSinceCompaction++
    if (session.updatesSinceCompaction < this.config.compactAfterUpdates) return
    try {
      this.store.compact(session.row.id, Y.encodeStateAsUpdate(session.doc))
      session.updatesSinceCompaction = 1
      this.storeError = null
      this.log.debug(`compacted session ${session.row.id}`)
    } catch (err) {
      // The update itself was stored; compaction simply waits for the next chance.
      this.log.error(`could not compact session ${session.row.id}:`, err)
    }
  }

  private metaChanged(session: LiveSession): void {
    const state = this.state(session)
    if (state.title !== session.row.title || state.prompt !== session.row.prompt) {
      session.row = { ...session.row, title: state.title, prompt: state.prompt }
      try {
        this.store.setSessionTexts(session.row.id, state.title, state.prompt)
      } catch (err) {
        this.log.error('could not store session texts:', err)
      }
    }
    for (const fn of this.stateListeners) fn(session.row.id, state)
  }

  private notesChanged(session: LiveSession, events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void {
    const notes = notesMap(session.doc)
    const changes = new Map<string, NoteStatus | undefined>()
    for (const event of events) {
      if (event.target === notes) {
        for (const [key, change] of event.changes.keys) if (change.action === 'delete') changes.set(key, undefined)
      } else if (event.target.parent === notes && event.changes.keys.has('status')) {
        const key = event.target._item?.parentSub
        const status = (event.target as Y.Map<unknown>).get('status')
        if (key && (status === 'visible' || status === 'pending' || status === 'hidden')) changes.set(key, status)
      }
    }
    for (const [noteId, status] of changes) for (const fn of this.noteStatusListeners) fn(session, noteId, status)
    for (const fn of this.notesListeners) fn(session)
  }

  private schedulePresence(session: LiveSession): void {
    const id = session.row.id
    if (this.presenceTimers.has(id)) return
    this.presenceTimers.set(
      id,
      setTimeout(() => {
        this.presenceTimers.delete(id)
        this.publishPresence(session)
      }, this.config.presenceIntervalMs),
    )
  }

  private publishPresence(session: LiveSession): void {
    const presence: ServerPresence = { kurumaza: { phones: session.phones.size } }
    session.doc.awareness.setLocalState(presence)
    session.board.awareness.setLocalState(presence)
  }
}
