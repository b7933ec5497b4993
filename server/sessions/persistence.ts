import * as Y from 'yjs'
import type { Config } from '../config.ts'
import type { Logger } from '../log.ts'
import type { Row } from '../store/sql.ts'
import type { Store } from '../store/store.ts'
import { rows } from '../store/rows.ts'
import { Listeners } from './events.ts'

/** What persistence keeps per live session: the updates not yet sent to the disk and the log's state. */
export class SessionLog {
  /** updates of the session's doc (from any origin) since the last batch */
  unsaved: Uint8Array[] = []
  /** rows and waiters of the changes in the next batch */
  rows: Row[] = []
  waiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = []
  updatesSinceCompaction: number
  /**
   * Set when a change reached the Y.Doc but not the store. Appending later updates alone would
   * leave a hole in the log (Yjs cannot apply an update whose predecessors are missing), so the
   * next batch stores the whole state instead.
   */
  needsFullState = false
  /** batches sent and not answered yet: a session is not unloaded while it has any */
  inFlight = 0
  /** deleted: nothing more of it is written */
  gone = false

  constructor(
    readonly id: string,
    readonly doc: Y.Doc,
    storedRows: number,
  ) {
    this.updatesSinceCompaction = storedRows
  }

  get idle(): boolean {
    return this.inFlight === 0 && this.unsaved.length === 0 && this.waiters.length === 0
  }
}

/** A change whose storing failed; it has been taken back off the board. */
export class StoreFailure extends Error {}

/**
 * Persistence and compaction: every change of every live session reaches the disk through
 * here. When the writer is idle a turn's changes go at the end of that turn; while it is busy
 * they gather for a short window (`writeWindowMs`, or `writeBatchMax` changes, or until the
 * writer has answered everything before them), then
 * each session's updates are merged into one row and written with the rows its changes
 * brought, in one transaction on the writer thread. When its log is due for compaction the
 * writer merges its recent rows into few (rows of at most LOG_ROW_BYTES, so a load can take
 * them in steps); when it has a hole its whole state replaces it. Waiters are answered after
 * the commit.
 */
export class Persistence {
  /** Called when writing to the store starts or stops failing. */
  readonly health = new Listeners<[error: string | null]>()
  private error: string | null = null
  private readonly dirty = new Set<SessionLog>()
  private pendingChanges = 0
  private timer: NodeJS.Timeout | undefined
  private immediate: NodeJS.Immediate | undefined

  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, 'compactAfterUpdates' | 'writeWindowMs' | 'writeBatchMax'>,
    private readonly log: Logger,
  ) {}

  /** Set when a write to the store failed; cleared by the next one that succeeds. */
  get storeError(): string | null {
    return this.error
  }

  private setError(error: string | null): void {
    if (error === this.error) return
    this.error = error
    this.health.emit(error)
  }

  /** An update of a session's doc: it goes to the disk with the next batch. */
  updated(log: SessionLog, update: Uint8Array): void {
    if (log.gone) return
    log.unsaved.push(update)
    this.mark(log)
  }

  /** Store `extra` rows with the session's pending updates; resolves after the commit. */
  save(log: SessionLog, extra: Row[]): Promise<void> {
    if (log.gone) return Promise.reject(new StoreFailure('the session was deleted'))
    log.rows.push(...extra)
    const done = new Promise<void>((resolve, reject) => log.waiters.push({ resolve, reject }))
    this.pendingChanges++
    this.mark(log)
    return done
  }

  /** Rows of no session's board (a new session, a setting): written in order with the rest. */
  write(extra: Row[]): Promise<void> {
    this.flush()
    return this.store.write(extra)
  }

  /** Rows whose loss costs nothing but a log line (summaries, the session list's texts). */
  writeQuietly(extra: Row[], what: string): void {
    this.write(extra).catch((err: Error) => this.log.error(`could not store ${what}:`, err))
  }

  private mark(log: SessionLog): void {
    this.dirty.add(log)
    if (this.pendingChanges >= this.config.writeBatchMax) {
      this.flush()
      return
    }
    if (this.timer || this.immediate) return
    // With nothing on its way to the disk there is nothing to gather behind: the batch goes at
    // the end of this turn of the event loop (still with every change of the turn, and a
    // change's rows with its updates). While the writer is busy, changes gather for the window
    // and queue at the writer, whose next transaction takes them all (one fsync).
    if (this.config.writeWindowMs > 0 && this.store.pendingWrites > 0) this.timer = setTimeout(() => this.flush(), this.config.writeWindowMs)
    else this.immediate = setImmediate(() => this.flush())
  }

  /** A write was answered: when the writer has nothing left, what waits for the window goes now. */
  private answered(): void {
    if (!this.timer || this.store.pendingWrites > 0) return
    clearTimeout(this.timer)
    this.timer = undefined
    this.immediate = setImmediate(() => this.flush())
  }

  /** Send every pending change to the writer now. */
  flush(): void {
    clearTimeout(this.timer)
    clearImmediate(this.immediate)
    this.timer = this.immediate = undefined
    this.pendingChanges = 0
    const logs = [...this.dirty]
    this.dirty.clear()
    // One write per session: the writer commits them together, and when one fails (a deleted
    // session, a hole in its log) it commits the others on their own.
    for (const log of logs) this.send(log)
  }

  private send(log: SessionLog): void {
    const batch: Row[] = []
    let replaced = false
    if (log.unsaved.length > 0) {
      if (log.needsFullState) {
        // After a hole only the whole state is sure to hold everything (rare, and large).
        batch.push(...rows.replace(log.id, Y.encodeStateAsUpdate(log.doc)))
        replaced = true
      } else if (log.updatesSinceCompaction + 1 >= this.config.compactAfterUpdates) {
        // The writer merges the log's recent rows itself: nothing here encodes the whole board.
        batch.push(rows.compact(log.id, log.unsaved))
        replaced = true
      } else batch.push(rows.append(log.id, log.unsaved))
    }
    const hadUpdates = log.unsaved.length > 0
    batch.push(...log.rows)
    const waiters = log.waiters
    log.unsaved = []
    log.rows = []
    log.waiters = []
    if (batch.length === 0) {
      for (const w of waiters) w.resolve()
      return
    }
    log.inFlight++
    this.store.write(batch).then(
      () => {
        log.inFlight--
        if (replaced) {
          log.needsFullState = false
          log.updatesSinceCompaction = 1
        } else if (hadUpdates) log.updatesSinceCompaction++
        this.setError(null)
        for (const w of waiters) w.resolve()
        this.answered()
      },
      (err: Error) => {
        log.inFlight--
        if (hadUpdates) log.needsFullState = true
        this.log.error(`could not store ${waiters.length} change(s) of session ${log.id}; they are taken back:`, err.message)
        this.setError(err.message)
        const failure = new StoreFailure(err.message)
        // Those waiting take their changes back; the console's own edits in the batch stay on
        // the board and reach the disk with the session's whole state in its next batch.
        for (const w of waiters) w.reject(failure)
        this.answered()
      },
    )
  }
}
