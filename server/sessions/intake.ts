import { newNoteId } from '../../shared/ids.ts'
import type { Ack } from '../../shared/errors.ts'
import { addNote, admitNote, removeNotes } from '../board/rules.ts'
import type { Logger } from '../log.ts'
import type { Store } from '../store/store.ts'
import type { LiveSession, SessionHub } from './hub.ts'

export interface NoteRequest {
  clientId: string
  text: string
  deviceId: string | null
  /** written by the facilitator (a paper note typed in): needs no approval */
  trusted?: boolean
}

type NoteAck = Ack<{ noteId: string }>

interface Pending {
  session: LiveSession
  req: NoteRequest
  waiters: Array<(ack: NoteAck) => void>
}

/**
 * Takes phones' notes into the board with group commit: notes that arrive in the same turn of
 * the event loop are written to their Y.Docs and stored (Yjs updates plus the idempotency record)
 * in one SQLite transaction, and acknowledged only after it committed. One fsync then serves a
 * whole burst of phones instead of one each.
 */
export class NoteIntake {
  private batch = new Map<string, Pending>()
  private scheduled = false

  constructor(
    private readonly store: Store,
    private readonly hub: SessionHub,
    private readonly log: Logger,
    /** whether a note's text should wait for the facilitator even in post-moderation */
    private readonly flags: (text: string) => boolean = () => false,
    /** notes a session may hold (`maxNotesPerSession`) */
    private readonly maxNotes = Infinity,
  ) {}

  submit(session: LiveSession, req: NoteRequest): Promise<NoteAck> {
    const sessionId = session.row.id
    // A note resent with the same id is answered like the first time, never stored twice.
    const known = this.store.getNoteId(sessionId, req.clientId)
    if (known) return Promise.resolve({ ok: true, noteId: known })
    const key = `${sessionId}\u0000${req.clientId}`
    const pending = this.batch.get(key)
    if (pending) return new Promise((resolve) => pending.waiters.push(resolve))

    const verdict = admitNote(session.doc, false, req.trusted === true, this.maxNotes)
    if (!verdict.ok) return Promise.resolve({ ok: false, error: verdict.error })
    return new Promise((resolve) => {
      this.batch.set(key, { session, req, waiters: [resolve] })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush(): void {
    this.scheduled = false
    const items = [...this.batch.values()]
    this.batch = new Map()
    const now = Date.now()
    const results = new Map<Pending, NoteAck>()
    const added: Array<{ session: LiveSession; noteId: string }> = []
    let collected: Array<{ id: string; update: Uint8Array }> = []

    try {
      collected = this.hub.collectUpdates(() => {
        for (const item of items) {
          // The facilitator may have locked the board since the note was admitted, and the notes
          // before this one in the batch may have filled the session.
          const verdict = admitNote(item.session.doc, !item.req.trusted && this.flags(item.req.text), item.req.trusted === true, this.maxNotes)
          if (!verdict.ok) {
            results.set(item, { ok: false, error: verdict.error })
            continue
          }
          const noteId = newNoteId()
          addNote(item.session.doc, noteId, item.req.text, now, verdict.status)
          added.push({ session: item.session, noteId })
          results.set(item, { ok: true, noteId })
        }
      })
      this.store.transaction(() => {
        this.hub.storeCollected(collected)
        for (const item of items) {
          const r = results.get(item)
          if (r?.ok) this.store.insertNoteId(item.session.row.id, item.req.clientId, r.noteId, item.req.deviceId, now)
        }
      })
      this.hub.storeError = null
      this.hub.afterStored(collected)
    } catch (err) {
      this.log.error(`could not store ${items.length} note(s); they were refused:`, err)
      this.hub.notStored(collected)
      this.undo(added)
      this.hub.storeError = (err as Error).message
      for (const item of items) results.set(item, { ok: false, error: 'unavailable' })
    }
    for (const item of items) {
      const ack = results.get(item) ?? { ok: false, error: 'unavailable' }
      for (const w of item.waiters) w(ack)
    }
  }

  /** Take back notes that reached the board but not the disk, so screens match what is kept. */
  private undo(added: Array<{ session: LiveSession; noteId: string }>): void {
    const bySession = new Map<LiveSession, string[]>()
    for (const { session, noteId } of added) bySession.set(session, [...(bySession.get(session) ?? []), noteId])
    for (const [session, ids] of bySession) {
      try {
        removeNotes(session.doc, ids)
      } catch (err) {
        this.log.error('could not take back unstored notes:', err)
      }
    }
  }
}
