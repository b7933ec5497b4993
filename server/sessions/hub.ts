import * as Y from 'yjs'
import { WSSharedDoc, docs as yjsRooms } from '@y/websocket-server/utils'
import { metaMap, readMeta } from '../../shared/board-doc.ts'
import { newBoardKey, newSessionId } from '../../shared/ids.ts'
import type { ServerPresence, SessionState } from '../../shared/protocol.ts'
import { PROTOCOL_VERSION } from '../../shared/protocol.ts'
import { initBoard } from '../board/rules.ts'
import type { Config } from '../config.ts'
import type { Logger } from '../log.ts'
import type { SessionRow, Store } from '../store/store.ts'

/** A session whose board is in memory: its row, its Y.Doc (also the y-websocket room) and who is here. */
export interface LiveSession {
  row: SessionRow
  doc: WSSharedDoc
  /** open connections per phone (a phone with two tabs is still one phone) */
  phones: Map<string, number>
  updatesSinceCompaction: number
  /**
   * Set when a change reached the Y.Doc but not the store. Appending later updates alone would
   * leave a hole in the log (Yjs cannot apply an update whose predecessors are missing), so the
   * next write stores the whole state instead.
   */
  needsFullState: boolean
}

type StateListener = (id: string, state: SessionState) => void

/**
 * Owns every session's Y.Doc: loads it synchronously from the store before anyone is served,
 * writes each of its updates to the store as it happens, compacts the log, and publishes the
 * phone count to boards through the room's awareness (ephemeral, never stored).
 */
export class SessionHub {
  private readonly live = new Map<string, LiveSession>()
  private readonly stateListeners = new Set<StateListener>()
  private readonly presenceTimers = new Map<string, NodeJS.Timeout>()
  /** While set, updates are collected here for the caller to store in its own transaction. */
  private capture: Array<{ id: string; update: Uint8Array }> | null = null
  /** Set when a write to the store failed; cleared by the next one that succeeds. */
  storeError: string | null = null

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  create(title: string, prompt: string): SessionRow {
    let id = newSessionId()
    while (this.store.getSession(id)) id = newSessionId()
    const row: SessionRow = { id, title, prompt, boardKey: newBoardKey(), createdAt: Date.now() }
    const seed = new Y.Doc()
    initBoard(seed, row)
    this.store.insertSession(row, Y.encodeStateAsUpdate(seed))
    seed.destroy()
    return row
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
    const doc = new WSSharedDoc(id)
    const updates = this.store.loadUpdates(id)
    if (updates.length > 0) Y.applyUpdate(doc, Y.mergeUpdates(updates))
    const session: LiveSession = { row, doc, phones: new Map(), updatesSinceCompaction: updates.length, needsFullState: false }
    // y-websocket's setupWSConnection finds the room here; it must never make one of its own.
    yjsRooms.set(id, doc)
    this.live.set(id, session)
    doc.on('update', (update: Uint8Array) => this.persist(session, update))
    metaMap(doc).observe(() => this.metaChanged(session))
    this.publishPresence(session)
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
      locked: meta.locked,
      maxNoteChars: this.config.limits.maxNoteChars,
      protocol: PROTOCOL_VERSION,
    }
  }

  onStateChange(fn: StateListener): () => void {
    this.stateListeners.add(fn)
    return () => this.stateListeners.delete(fn)
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
    for (const [id, s] of this.live) {
      if (yjsRooms.get(id) === s.doc) yjsRooms.delete(id)
      for (const conn of s.doc.conns.keys()) (conn as { terminate?: () => void }).terminate?.()
      s.doc.destroy()
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
  }
}
