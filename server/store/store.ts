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

/** An update row that Yjs could not read, set aside when its session was loaded. */
export interface QuarantinedRow {
  seq: number
  bytes: number
  error: string
  /** when it was set aside (epoch ms) */
  at: number
}

export interface NoteIdRow {
  clientId: string
  noteId: string
  deviceId: string | null
}

export interface QuestionIdRow {
  clientId: string
  questionId: string
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

/** Make the data folder if needed and check this process may write there. */
export function ensureDataDir(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true })
    fs.accessSync(dataDir, fs.constants.W_OK)
  } catch (err) {
    throw new StoreError(`DATA_DIR ${path.resolve(dataDir)} is not writable (${(err as Error).message})`, 'unwritable')
  }
}

/** SQLite's codes for a file that is not a database, or one whose pages do not add up. */
const DAMAGED_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT'])

/**
 * The one line a facilitator needs when the database file itself is damaged: which file, what
 * to do, and what is safe elsewhere. Undefined for any other error.
 */
function damaged(err: unknown, file: string, dataDir: string): StoreError | undefined {
  const code = String((err as { code?: unknown }).code ?? '')
  if (![...DAMAGED_CODES].some((c) => code.startsWith(c))) return undefined
  const abs = path.resolve(file)
  return new StoreError(
    `The database ${abs} is damaged and cannot be read (${(err as Error).message}). ` +
      `To start with an empty database, stop Kurumaza and move the file aside (rename it, and any ${path.basename(abs)}-wal and -shm beside it, e.g. to ${path.basename(abs)}.damaged) ` +
      `or put back a backup copy of the data folder, then start again; ` +
      `the records of closed sessions are still in ${path.resolve(dataDir, 'records')} (import their JSON from the console).`,
    'corrupt',
  )
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
  /** rows being set aside, until the writer has moved them */
  private readonly settingAside = new Map<string, QuarantinedRow[]>()

  constructor(dataDir: string, durability: 'full' | 'normal' = 'full') {
    ensureDataDir(dataDir)
    this.file = path.join(dataDir, 'kurumaza.sqlite')
    let opened: Database.Database | undefined
    try {
      opened = new Database(this.file)
      this.db = opened
      this.prepareFile()
    } catch (err) {
      if (opened?.open) opened.close()
      throw damaged(err, this.file, dataDir) ?? err
    }
    const db = this.db
    this.stmt = {
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      getSession: db.prepare<[string], RawSessionRow>('SELECT id, title, prompt, board_key AS boardKey, created_at AS createdAt, summary FROM sessions WHERE id = ?'),
      listSessions: db.prepare<[], RawSessionRow>(
        'SELECT id, title, prompt, board_key AS boardKey, created_at AS createdAt, summary FROM sessions ORDER BY created_at DESC, rowid DESC',
      ),
      loadUpdates: db.prepare<[string], { seq: number; data: Buffer }>('SELECT seq, data FROM updates WHERE session_id = ? ORDER BY seq'),
      quarantined: db.prepare<[string], QuarantinedRow>(
        'SELECT seq, length(data) AS bytes, error, quarantined_at AS at FROM quarantined_updates WHERE session_id = ? ORDER BY seq',
      ),
      countUpdates: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM updates WHERE session_id = ?'),
      noteIds: db.prepare<[string], NoteIdRow>('SELECT client_id AS clientId, note_id AS noteId, device_id AS deviceId FROM note_ids WHERE session_id = ?'),
      myDots: db.prepare<[string, string, string], { noteId: string; dots: number }>(
        'SELECT note_id AS noteId, dots FROM ballots WHERE session_id = ? AND vote_id = ? AND phone_key = ? AND dots > 0',
      ),
      voters: db.prepare<[string, string], { n: number }>(
        'SELECT count(DISTINCT phone_key) AS n FROM ballots WHERE session_id = ? AND vote_id = ? AND dots > 0',
      ),
      surveyAnswers: db.prepare<[string, string, number], { answers: string; answeredAt: number }>(
        'SELECT answers, answered_at AS answeredAt FROM survey_answers WHERE session_id = ? AND survey_id = ? AND round = ? ORDER BY answered_at, phone_key',
      ),
      surveyAnswered: db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM survey_answers WHERE session_id = ? AND survey_id = ?'),
      myAnswer: db.prepare<[string, string, number, string], { answers: string }>(
        'SELECT answers FROM survey_answers WHERE session_id = ? AND survey_id = ? AND round = ? AND phone_key = ?',
      ),
      questionIds: db.prepare<[string], QuestionIdRow>(
        'SELECT client_id AS clientId, question_id AS questionId, device_id AS deviceId FROM question_ids WHERE session_id = ?',
      ),
      upvotes: db.prepare<[string], { questionId: string; phoneKey: string }>('SELECT question_id AS questionId, phone_key AS phoneKey FROM upvotes WHERE session_id = ?'),
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

  /** Check the file, make the tables, then keep this connection for reading only. */
  private prepareFile(): void {
    // Before anything writes to it: a file with damaged pages is reported at start-up, in one
    // line with the remedy, rather than found by a session's first load mid-workshop. Reads
    // every page (about 10 ms a megabyte); a kiosk's database is rarely more than a few dozen.
    const check = this.db.pragma('quick_check(1)', { simple: true })
    if (check !== 'ok') throw Object.assign(new Error(`malformed: ${String(check)}`), { code: 'SQLITE_CORRUPT' })
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
    // Every change so far only adds tables (CREATE … IF NOT EXISTS above): recording the version is all.
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))')
      .run('schema_version', String(SCHEMA_VERSION))
    // From here on this connection only reads.
    this.db.pragma('query_only = ON')
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
    return this.loadUpdateRows(sessionId).map((r) => r.data)
  }

  /** A session's update log with each row's place in it (to set a bad row aside by). */
  loadUpdateRows(sessionId: string): Array<{ seq: number; data: Uint8Array }> {
    return this.stmt.loadUpdates.all(sessionId).map((r) => ({ seq: r.seq, data: new Uint8Array(r.data) }))
  }

  /**
   * Move update rows Yjs cannot read out of the log into `quarantined_updates`, with why and
   * when: kept byte for byte (for a later rescue), but no longer in the way of loading. Written
   * by the writer thread; `quarantined` reports them at once.
   */
  quarantineUpdates(sessionId: string, rows: Array<{ seq: number; error: string; bytes?: number }>, at = Date.now()): Promise<void> {
    const pending = rows.map((r) => ({ seq: r.seq, bytes: r.bytes ?? 0, error: r.error, at }))
    this.settingAside.set(sessionId, [...(this.settingAside.get(sessionId) ?? []), ...pending])
    const done = () => this.settingAside.delete(sessionId)
    const written = this.write(rows.flatMap((r): Row[] => [['quarantine', r.error, at, r.seq, sessionId], ['deleteUpdate', r.seq, sessionId]]))
    written.then(done, done)
    return written
  }

  /** The update rows of a session that were set aside, oldest first (without their bytes). */
  quarantined(sessionId: string): QuarantinedRow[] {
    const stored = this.stmt.quarantined.all(sessionId)
    const pending = (this.settingAside.get(sessionId) ?? []).filter((p) => !stored.some((r) => r.seq === p.seq))
    return [...stored, ...pending].sort((a, b) => a.seq - b.seq)
  }

  countUpdates(sessionId: string): number {
    return this.stmt.countUpdates.get(sessionId)?.n ?? 0
  }

  /** Every note a phone sent in a session: its own id for it, the note's id and its device. */
  noteIds(sessionId: string): NoteIdRow[] {
    return this.stmt.noteIds.all(sessionId)
  }

  /** Every question a phone asked in a session: its own id for it, the question's id and its device. */
  questionIds(sessionId: string): QuestionIdRow[] {
    return this.stmt.questionIds.all(sessionId)
  }

  /** Who upvoted which question in a session (phone keys stay on the kiosk). */
  upvotes(sessionId: string): Array<{ questionId: string; phoneKey: string }> {
    return this.stmt.upvotes.all(sessionId)
  }

  /** How many phones posted in a session (a count only: device ids never leave the store). */
  phonesPosted(sessionId: string): number {
    return this.stmt.phonesPosted.get(sessionId)?.n ?? 0
  }

  /** Every respondent's answers to a round (JSON, oldest first), without who gave them. */
  surveyAnswers(sessionId: string, surveyId: string, round: number): Array<{ answers: string; answeredAt: number }> {
    return this.stmt.surveyAnswers.all(sessionId, surveyId, round)
  }

  /** How many answer rows a survey has, over all its rounds. */
  surveyAnswered(sessionId: string, surveyId: string): number {
    return this.stmt.surveyAnswered.get(sessionId, surveyId)?.n ?? 0
  }

  /** One phone's answers to a round (JSON), to fill its form again. */
  myAnswer(sessionId: string, surveyId: string, round: number, phoneKey: string): string | undefined {
    return this.stmt.myAnswer.get(sessionId, surveyId, round, phoneKey)?.answers
  }

  /** Phones that have at least one dot in a vote (the turnout; who they are stays in here). */
  voters(sessionId: string, voteId: string): number {
    return this.stmt.voters.get(sessionId, voteId)?.n ?? 0
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
