import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { SCHEMA, SCHEMA_VERSION, type Row } from './sql.ts'
import type { FromWriter, ToWriter, WorkerOptions } from './worker.ts'

/**
 * The embedded store: sessions, each session's Yjs update log, the idempotency record of every
 * note a phone sent, and ballots. Reads are synchronous on this thread (WAL lets them run beside
 * the writer); every write goes to the writer thread (store/worker.ts) as a batch of rows and
 * resolves once its transaction has committed, so nothing is acknowledged before it is on disk.
 */
export interface SessionRow {
  id: string
  title: string
  prompt: string
  boardKey: string
  createdAt: number
  /** what the session list shows while the session is not in memory */
  summary?: { notes: number; closed: boolean }
}

export interface NoteIdRow {
  clientId: string
  noteId: string
  deviceId: string | null
}

type RawSessionRow = Omit<SessionRow, 'summary'> & { summary: string | null }

function fromRaw({ summary, ...row }: RawSessionRow): SessionRow {
  if (!summary) return row
  try {
    const s = JSON.parse(summary) as { notes?: unknown; closed?: unknown }
    return { ...row, summary: { notes: typeof s.notes === 'number' ? s.notes : 0, closed: s.closed === true } }
  } catch {
    return row
  }
}

export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'unwritable' | 'corrupt',
  ) {
    super(message)
  }
}

/**
 * The writer thread's module: the TypeScript source when the server runs from source (tests,
 * `npm run dev`, through tsx), the bundled file next to the server bundle under `npm start`.
 */
function writerScript(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./worker-dev.mjs', import.meta.url)
  return new URL('./store-worker.js', import.meta.url)
}

export class Store {
  readonly file: string
  private readonly db: Database.Database
  private readonly stmt
  private readonly worker: Worker
  private seq = 0
  private readonly waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>()
  private closed: Promise<void> | undefined
  private workerError: Error | undefined
  private readonly started: Promise<void>

  constructor(dataDir: string, durability: 'full' | 'normal' = 'full') {
    try {
      fs.mkdirSync(dataDir, { recursive: true })
      fs.accessSync(dataDir, fs.constants.W_OK)
    } catch (err) {
      throw new StoreError(`DATA_DIR ${path.resolve(dataDir)} is not writable (${(err as Error).message})`, 'unwritable')
    }
    this.file = path.join(dataDir, 'kurumaza.sqlite')
    this.db = new Database(this.file)
    // Must come before the first table: lets compaction hand freed pages back to the disk.
    this.db.pragma('auto_vacuum = INCREMENTAL')
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('busy_timeout = 5000')
    // Checkpoints belong to the writer thread.
    this.db.pragma('wal_autocheckpoint = 0')
    this.db.exec(SCHEMA)
    // Databases from before the summary column get it added.
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(sessions)').all()
    if (!columns.some((c) => c.name === 'summary')) this.db.exec('ALTER TABLE sessions ADD COLUMN summary TEXT')
    this.db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION))
    // From here on this connection only reads.
    this.db.pragma('query_only = ON')

    const db = this.db
    this.stmt = {
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      getSession: db.prepare<[string], RawSessionRow>('SELECT id, title, prompt, board_key AS boardKey, created_at AS createdAt, summary FROM sessions WHERE id = ?'),
      listSessions: db.prepare<[], RawSessionRow>(
        'SELECT id, title, prompt, board_key AS boardKey, created_at AS createdAt, summary FROM sessions ORDER BY created_at DESC, rowid DESC',
      ),
      loadUpdates: db.prepare<[string], { data: Buffer }>('SELECT data FROM updates WHERE session_id = ? ORDER BY seq'),
      countUpdates: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM updates WHERE session_id = ?'),
      noteIds: db.prepare<[string], NoteIdRow>('SELECT client_id AS clientId, note_id AS noteId, device_id AS deviceId FROM note_ids WHERE session_id = ?'),
      myDots: db.prepare<[string, string, string], { noteId: string; dots: number }>(
        'SELECT note_id AS noteId, dots FROM ballots WHERE session_id = ? AND vote_id = ? AND phone_key = ? AND dots > 0',
      ),
      phonesPosted: db.prepare<[string], { n: number }>(
        'SELECT count(DISTINCT device_id) AS n FROM note_ids WHERE session_id = ? AND device_id IS NOT NULL',
      ),
    }

    this.worker = new Worker(writerScript(), { workerData: { file: this.file, durability } satisfies WorkerOptions })
    this.started = new Promise((resolve, reject) => {
      this.worker.once('online', resolve)
      this.worker.once('error', reject)
    })
    this.started.catch(() => {}) // reported by ready() or by the writes that fail
    this.worker.on('message', (msg: FromWriter) => {
      if (msg.kind !== 'done') return
      const w = this.waiting.get(msg.seq)
      this.waiting.delete(msg.seq)
      if (msg.error === undefined) w?.resolve()
      else w?.reject(new Error(msg.error))
    })
    // A writer that cannot start or dies fails every write, loudly, instead of hanging them.
    this.worker.on('error', (err) => this.failAll(err))
    this.worker.on('exit', () => this.failAll(this.workerError ?? new Error('the database writer stopped')))
  }

  private failAll(err: Error): void {
    this.workerError ??= err
    for (const w of this.waiting.values()) w.reject(err)
    this.waiting.clear()
  }

  /** Resolves once the writer thread runs; rejects when it cannot start (start-up fails loudly). */
  ready(): Promise<void> {
    return this.started
  }

  /** Write rows in one transaction on the writer thread; resolves once it has committed. */
  write(rows: Row[]): Promise<void> {
    if (this.workerError || this.closed) return Promise.reject(this.workerError ?? new Error('the store is closed'))
    const seq = ++this.seq
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject })
      this.worker.postMessage({ kind: 'batch', seq, rows } satisfies ToWriter)
    })
  }

  /** Writes waiting for the disk. */
  get pendingWrites(): number {
    return this.waiting.size
  }

  getSetting(key: string): string | undefined {
    return this.stmt.getSetting.get(key)?.value
  }

  getSession(id: string): SessionRow | undefined {
    const raw = this.stmt.getSession.get(id)
    return raw && fromRaw(raw)
  }

  listSessions(): SessionRow[] {
    return this.stmt.listSessions.all().map(fromRaw)
  }

  loadUpdates(sessionId: string): Uint8Array[] {
    return this.stmt.loadUpdates.all(sessionId).map((r) => new Uint8Array(r.data))
  }

  countUpdates(sessionId: string): number {
    return this.stmt.countUpdates.get(sessionId)?.n ?? 0
  }

  /** Every note a phone sent in a session: its own id for it, the note's id and its device. */
  noteIds(sessionId: string): NoteIdRow[] {
    return this.stmt.noteIds.all(sessionId)
  }

  /** How many phones posted in a session (a count only: device ids never leave the store). */
  phonesPosted(sessionId: string): number {
    return this.stmt.phonesPosted.get(sessionId)?.n ?? 0
  }

  /** A phone's dots in one vote, by note. */
  myDots(sessionId: string, voteId: string, phoneKey: string): Record<string, number> {
    const out: Record<string, number> = {}
    for (const r of this.stmt.myDots.all(sessionId, voteId, phoneKey)) out[r.noteId] = r.dots
    return out
  }

  /** Wait for the writes already sent, checkpoint, and close both connections; safe to call twice. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      if (!this.workerError) {
        const done = new Promise<void>((resolve) => {
          this.worker.on('message', (m: FromWriter) => m.kind === 'closed' && resolve())
          this.worker.once('exit', () => resolve())
        })
        this.worker.postMessage({ kind: 'close' } satisfies ToWriter)
        await done
      }
      await this.worker.terminate()
      if (this.db.open) this.db.close()
    })()
    return this.closed
  }
}
