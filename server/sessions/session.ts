import * as Y from 'yjs'
import { agendaMap, currentActivity, metaMap, notesMap, readMeta, surveysMap, votesMap } from '../../shared/board-doc.ts'
import type { NoteStatus } from '../../shared/board.ts'
import type { SessionState } from '../../shared/protocol.ts'
import { PROTOCOL_VERSION } from '../../shared/protocol.ts'
import { projectChanges } from '../board/projection.ts'
import { readQuestionMode } from '../../shared/questions-doc.ts'
import type { Row } from '../store/sql.ts'
import type { NoteIdRow, SessionRow } from '../store/store.ts'
import type { RoomDoc } from '../yjs/rooms.ts'
import type { Persistence } from './persistence.ts'
import { SessionLog } from './persistence.ts'

/** The origin of every change made through `commit`, so the undo manager can take it back. */
class Commit {}

/**
 * A change to a board: a rule (a plain function over the session's Y.Doc, see board/rules.ts)
 * and the rows stored with it in the same transaction. A new kind of write is one of these.
 */
export interface Change<T> {
  apply(doc: Y.Doc): T
  rows?(result: T): Row[]
}

/** What the session's observers report; the registry fans them out to transports. */
export interface SessionEvents {
  state(session: LiveSession, state: SessionState): void
  /** a note's status or text changed (status undefined: deleted; text given when it was edited) */
  noteStatus(session: LiveSession, noteId: string, status: NoteStatus | undefined, text?: string): void
  /** something about the notes changed (a vote's ballot may need refreshing) */
  notes(session: LiveSession): void
  /** dots were placed or taken back (or a vote opened and cleared them) */
  votes(session: LiveSession): void
  /** a survey or the agenda changed (phones may need the current survey again) */
  surveys(session: LiveSession): void
  /** the title or prompt changed: the session list's copy follows */
  texts(session: LiveSession): void
  /** any transaction: the stored summary follows, later */
  changed(session: LiveSession): void
}

/**
 * One session whose board is in memory: its row, the facilitator's Y.Doc (`doc`), the board's
 * projection of it (`board`, served to read-only connections) and who is here. Every change
 * goes through `commit`: apply a rule, store the updates with the caller's rows, answer after
 * the commit, take the change back when storing fails. Edits from the console's own Yjs
 * connection are stored through the same log (they have no answer to wait for).
 */
export class LiveSession {
  row: SessionRow
  /** open connections per phone (a phone with two tabs is still one phone) */
  readonly phones = new Map<string, number>()
  /** open connections of any kind (phones, consoles, boards); at zero the session may be unloaded */
  holds = 0
  /** when `holds` last became zero */
  idleSince = Date.now()
  readonly log: SessionLog
  private readonly undo: Y.UndoManager
  /** answers of changes in flight, by the caller's key (a phone's note id) */
  private readonly inFlight = new Map<string, Promise<unknown>>()
  /** the last change queued under a key (one phone's dots), so they run one after another */
  private readonly queues = new Map<string, Promise<unknown>>()
  /** the idempotency record of the notes phones sent, as stored: by the phone's id for the note */
  private readonly sent = new Map<string, string>()
  /** who sent each note (to tell that phone what became of it) */
  private readonly owners = new Map<string, { clientId: string; deviceId: string | null }>()

  constructor(
    row: SessionRow,
    readonly doc: RoomDoc,
    readonly board: RoomDoc,
    storedRows: number,
    private readonly persistence: Persistence,
    private readonly config: { maxNoteChars: number },
    events: SessionEvents,
    noteIds: NoteIdRow[] = [],
  ) {
    this.row = row
    for (const n of noteIds) this.noteStored(n)
    this.log = new SessionLog(row.id, doc, storedRows)
    // Only commits are tracked, one stack item each, kept until stored (see commit).
    this.undo = new Y.UndoManager(doc, { trackedOrigins: new Set([Commit]), captureTimeout: 0 })
    doc.on('update', (update: Uint8Array) => persistence.updated(this.log, update))
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      projectChanges(doc, board, tr)
      events.changed(this)
    })
    metaMap(doc).observe(() => {
      const state = this.state()
      if (state.title !== this.row.title || state.prompt !== this.row.prompt) {
        this.row = { ...this.row, title: state.title, prompt: state.prompt }
        events.texts(this)
      }
      events.state(this, state)
    })
    notesMap(doc).observeDeep((changes) => {
      for (const [noteId, c] of statusChanges(doc, changes)) events.noteStatus(this, noteId, c.status, c.text)
      events.notes(this)
    })
    votesMap(doc).observe(() => events.votes(this))
    surveysMap(doc).observeDeep(() => events.surveys(this))
    agendaMap(doc).observe(() => events.surveys(this))
  }

  get id(): string {
    return this.row.id
  }

  /**
   * Apply a change, store it, and resolve with the rule's result once it is on disk. When
   * storing fails the change is taken back off the board and this rejects with StoreFailure.
   * A rule that changed nothing (a refusal) resolves at once.
   */
  async commit<T>(change: Change<T>): Promise<T> {
    const before = this.undo.undoStack.length
    const updatesBefore = this.log.unsaved.length
    let result!: T
    this.doc.transact(() => {
      result = change.apply(this.doc)
    }, new Commit())
    const item = this.undo.undoStack.length > before ? this.undo.undoStack.at(-1) : undefined
    const extra = change.rows?.(result) ?? []
    if (!item && extra.length === 0 && this.log.unsaved.length === updatesBefore) return result
    try {
      await this.persistence.save(this.log, extra)
    } catch (err) {
      if (item) this.takeBack(item)
      throw err
    } finally {
      if (item) this.forget(item)
    }
    return result
  }

  /** Answer a repeat of a change still in flight (same key) with the first one's answer. */
  once<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
    const running = this.inFlight.get(key)
    if (running) return running as Promise<T>
    const p = Promise.resolve().then(fn)
    this.inFlight.set(key, p)
    const clear = () => this.inFlight.get(key) === p && this.inFlight.delete(key)
    p.then(clear, clear)
    return p
  }

  /** Run changes under one key one after another (each sees the stored result of the one before). */
  queue<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
    const prev = this.queues.get(key) ?? Promise.resolve()
    const p = prev.then(fn, fn)
    this.queues.set(key, p)
    const clear = () => this.queues.get(key) === p && this.queues.delete(key)
    p.then(clear, clear)
    return p
  }

  /** A phone's note is stored: a resend of its id is answered with this note. */
  noteStored({ clientId, noteId, deviceId }: NoteIdRow): void {
    this.sent.set(clientId, noteId)
    this.owners.set(noteId, { clientId, deviceId })
  }

  /** The note stored for a phone's id for it. */
  noteOf(clientId: string): string | undefined {
    return this.sent.get(clientId)
  }

  /** Who sent a note: the phone's own id for it and its device id. */
  ownerOf(noteId: string): { clientId: string; deviceId: string | null } | undefined {
    return this.owners.get(noteId)
  }

  private takeBack(item: unknown): void {
    const stack = this.undo.undoStack as unknown[]
    const i = stack.indexOf(item)
    if (i < 0) return
    // Undo this change alone, whatever was committed after it.
    stack.splice(i, 1)
    stack.push(item)
    this.undo.undo()
    this.undo.redoStack.length = 0
  }

  private forget(item: unknown): void {
    const stack = this.undo.undoStack as unknown[]
    const i = stack.indexOf(item)
    if (i >= 0) stack.splice(i, 1)
  }

  /** What phones and consoles are told about the session. */
  state(): SessionState {
    const meta = readMeta(this.doc)
    return {
      id: this.row.id,
      title: meta.title,
      prompt: meta.prompt,
      promptId: meta.currentPromptId,
      locked: meta.locked,
      closed: meta.closed,
      lang: meta.lang,
      phase: meta.phase,
      maxNoteChars: this.config.maxNoteChars,
      timer: meta.timer ? { endsAt: meta.timer.endsAt, seconds: meta.timer.seconds } : null,
      serverNow: Date.now(),
      voting: meta.vote?.open === true,
      protocol: PROTOCOL_VERSION,
      faceDown: meta.faceDown,
      vote: meta.vote ? { id: meta.vote.id, open: meta.vote.open } : null,
      activity: this.activity(),
      questions: readQuestionMode(this.doc),
    }
  }

  /** The agenda's current activity, as phones and consoles are told it. */
  activity(): SessionState['activity'] {
    const a = currentActivity(this.doc)
    return a ? { id: a.id, kind: a.kind, title: a.title } : null
  }

  /** Notes on the board and whether it is closed: what the session list shows. */
  summary(): { notes: number; closed: boolean } {
    let notes = 0
    notesMap(this.doc).forEach((n) => {
      if (n instanceof Y.Map && n.get('status') === 'visible') notes++
    })
    return { notes, closed: readMeta(this.doc).closed }
  }

  destroy(): void {
    this.log.gone = true
    this.undo.destroy()
  }
}

/** The notes whose status or text a transaction changed (status undefined: deleted). */
function statusChanges(doc: Y.Doc, events: Array<Y.YEvent<Y.AbstractType<unknown>>>): Map<string, { status: NoteStatus | undefined; text?: string }> {
  const notes = notesMap(doc)
  const changes = new Map<string, { status: NoteStatus | undefined; text?: string }>()
  for (const event of events) {
    if (event.target === notes) {
      for (const [key, change] of event.changes.keys) if (change.action === 'delete') changes.set(key, { status: undefined })
    } else if (event.target.parent === notes && (event.changes.keys.has('status') || event.changes.keys.has('text'))) {
      const key = event.target._item?.parentSub
      const note = event.target as Y.Map<unknown>
      const status = note.get('status')
      const text = note.get('text')
      // An edit by the facilitator reaches its author's "my notes" with the new text.
      const edited = event.changes.keys.has('text') && typeof text === 'string' ? { text } : {}
      if (key && (status === 'visible' || status === 'pending' || status === 'hidden')) changes.set(key, { status, ...edited })
    }
  }
  return changes
}
