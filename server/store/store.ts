import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'

/**
 * The embedded store: sessions, each session's Yjs update log, and the idempotency record of
 * every note a phone sent. Everything is synchronous (better-sqlite3), so a write has reached
 * the database file before the caller acknowledges anything.
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

/** 2: quarantined_updates, where update rows Yjs cannot read are set aside. */
const SCHEMA_VERSION = 2

const SCHEMA = `
CREATE TABLE IF NOT EXISTS settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  id         TEXT PRIMARY KEY,
  title      TEXT NOT NULL,
  prompt     TEXT NOT NULL DEFAULT '',
  board_key  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  summary    TEXT
);
CREATE TABLE IF NOT EXISTS updates (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  data       BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_by_session ON updates(session_id, seq);
CREATE TABLE IF NOT EXISTS quarantined_updates (
  seq            INTEGER PRIMARY KEY,
  session_id     TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  data           BLOB NOT NULL,
  error          TEXT NOT NULL,
  quarantined_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS quarantined_by_session ON quarantined_updates(session_id, seq);
CREATE TABLE IF NOT EXISTS note_ids (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  client_id  TEXT NOT NULL,
  note_id    TEXT NOT NULL,
  device_id  TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, client_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS note_ids_by_note ON note_ids(session_id, note_id);
CREATE TABLE IF NOT EXISTS ballots (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  vote_id    TEXT NOT NULL,
  phone_key  TEXT NOT NULL,
  note_id    TEXT NOT NULL,
  dots       INTEGER NOT NULL,
  PRIMARY KEY (session_id, vote_id, phone_key, note_id)
) WITHOUT ROWID;
`

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

export class Store {
  readonly file: string
  private readonly db: Database.Database
  private readonly stmt: ReturnType<Store['open']>

  constructor(dataDir: string, durability: 'full' | 'normal' = 'full') {
    ensureDataDir(dataDir)
    this.file = path.join(dataDir, 'kurumaza.sqlite')
    let db: Database.Database | undefined
    try {
      db = new Database(this.file)
      this.db = db
      this.stmt = this.open(durability)
    } catch (err) {
      if (db?.open) db.close()
      throw damaged(err, this.file, dataDir) ?? err
    }
  }

  private open(durability: 'full' | 'normal') {
    // Before anything writes to it: a file with damaged pages is reported at start-up, in one
    // line with the remedy, rather than found by a session's first load mid-workshop. Reads
    // every page (about 10 ms a megabyte); a kiosk's database is rarely more than a few dozen.
    const check = this.db.pragma('quick_check(1)', { simple: true })
    if (check !== 'ok') throw Object.assign(new Error(`malformed: ${String(check)}`), { code: 'SQLITE_CORRUPT' })
    // Must come before the first table: lets compaction hand freed pages back to the disk.
    this.db.pragma('auto_vacuum = INCREMENTAL')
    this.db.pragma('journal_mode = WAL')
    // After a checkpoint the WAL file is cut back to this size instead of staying at its peak.
    this.db.pragma('journal_size_limit = 1048576')
    this.db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`)
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(SCHEMA)
    // Databases from before the summary column get it added.
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(sessions)').all()
    if (!columns.some((c) => c.name === 'summary')) this.db.exec('ALTER TABLE sessions ADD COLUMN summary TEXT')
    // Every change so far only adds tables (CREATE … IF NOT EXISTS above): recording the version is all.
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))')
      .run('schema_version', String(SCHEMA_VERSION))

    const db = this.db
    return {
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      insertSession: db.prepare('INSERT INTO sessions (id, title, prompt, board_key, created_at) VALUES (?, ?, ?, ?, ?)'),
      getSession: db.prepare<[string], RawSessionRow>('SELECT id, title, prompt, board_key AS boardKey, created_at AS createdAt, summary FROM sessions WHERE id = ?'),
      listSessions: db.prepare<[], RawSessionRow>(
        'SELECT id, title, prompt, board_key AS boardKey, created_at AS createdAt, summary FROM sessions ORDER BY created_at DESC, rowid DESC',
      ),
      setSummary: db.prepare('UPDATE sessions SET summary = ? WHERE id = ?'),
      setTexts: db.prepare('UPDATE sessions SET title = ?, prompt = ? WHERE id = ?'),
      appendUpdate: db.prepare('INSERT INTO updates (session_id, data) VALUES (?, ?)'),
      loadUpdates: db.prepare<[string], { seq: number; data: Buffer }>('SELECT seq, data FROM updates WHERE session_id = ? ORDER BY seq'),
      quarantine: db.prepare(
        'INSERT OR REPLACE INTO quarantined_updates (seq, session_id, data, error, quarantined_at) SELECT seq, session_id, data, ?, ? FROM updates WHERE seq = ? AND session_id = ?',
      ),
      deleteUpdate: db.prepare('DELETE FROM updates WHERE seq = ? AND session_id = ?'),
      quarantined: db.prepare<[string], QuarantinedRow>(
        'SELECT seq, length(data) AS bytes, error, quarantined_at AS at FROM quarantined_updates WHERE session_id = ? ORDER BY seq',
      ),
      countUpdates: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM updates WHERE session_id = ?'),
      deleteUpdates: db.prepare('DELETE FROM updates WHERE session_id = ?'),
      getNoteId: db.prepare<[string, string], { noteId: string }>('SELECT note_id AS noteId FROM note_ids WHERE session_id = ? AND client_id = ?'),
      ownerOf: db.prepare<[string, string], { clientId: string; deviceId: string | null }>(
        'SELECT client_id AS clientId, device_id AS deviceId FROM note_ids WHERE session_id = ? AND note_id = ?',
      ),
      myDots: db.prepare<[string, string, string], { noteId: string; dots: number }>(
        'SELECT note_id AS noteId, dots FROM ballots WHERE session_id = ? AND vote_id = ? AND phone_key = ? AND dots > 0',
      ),
      setDots: db.prepare(
        'INSERT INTO ballots (session_id, vote_id, phone_key, note_id, dots) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET dots = excluded.dots',
      ),
      deleteSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
      phonesPosted: db.prepare<[string], { n: number }>(
        'SELECT count(DISTINCT device_id) AS n FROM note_ids WHERE session_id = ? AND device_id IS NOT NULL',
      ),
      insertNoteId: db.prepare('INSERT INTO note_ids (session_id, client_id, note_id, device_id, created_at) VALUES (?, ?, ?, ?, ?)'),
    }
  }

  getSetting(key: string): string | undefined {
    return this.stmt.getSetting.get(key)?.value
  }

  setSetting(key: string, value: string): void {
    this.stmt.setSetting.run(key, value)
  }

  insertSession(row: SessionRow, initialUpdate: Uint8Array): void {
    this.db.transaction(() => {
      this.stmt.insertSession.run(row.id, row.title, row.prompt, row.boardKey, row.createdAt)
      this.stmt.appendUpdate.run(row.id, Buffer.from(initialUpdate))
    })()
  }

  getSession(id: string): SessionRow | undefined {
    const raw = this.stmt.getSession.get(id)
    return raw && fromRaw(raw)
  }

  listSessions(): SessionRow[] {
    return this.stmt.listSessions.all().map(fromRaw)
  }

  setSummary(id: string, summary: { notes: number; closed: boolean }): void {
    this.stmt.setSummary.run(JSON.stringify(summary), id)
  }

  setSessionTexts(id: string, title: string, prompt: string): void {
    this.stmt.setTexts.run(title, prompt, id)
  }

  appendUpdate(sessionId: string, update: Uint8Array): void {
    this.stmt.appendUpdate.run(sessionId, Buffer.from(update.buffer, update.byteOffset, update.byteLength))
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
   * when: kept byte for byte (for a later rescue), but no longer in the way of loading.
   */
  quarantineUpdates(sessionId: string, rows: Array<{ seq: number; error: string }>, at = Date.now()): void {
    this.db.transaction(() => {
      for (const r of rows) {
        this.stmt.quarantine.run(r.error, at, r.seq, sessionId)
        this.stmt.deleteUpdate.run(r.seq, sessionId)
      }
    })()
  }

  /** The update rows of a session that were set aside, oldest first (without their bytes). */
  quarantined(sessionId: string): QuarantinedRow[] {
    return this.stmt.quarantined.all(sessionId)
  }

  countUpdates(sessionId: string): number {
    return this.stmt.countUpdates.get(sessionId)?.n ?? 0
  }

  /** Replace a session's update log with one update holding the whole state. */
  compact(sessionId: string, state: Uint8Array): void {
    this.db.transaction(() => {
      this.stmt.deleteUpdates.run(sessionId)
      this.appendUpdate(sessionId, state)
    })()
    this.db.pragma('incremental_vacuum')
  }

  getNoteId(sessionId: string, clientId: string): string | undefined {
    return this.stmt.getNoteId.get(sessionId, clientId)?.noteId
  }

  insertNoteId(sessionId: string, clientId: string, noteId: string, deviceId: string | null, createdAt: number): void {
    this.stmt.insertNoteId.run(sessionId, clientId, noteId, deviceId, createdAt)
  }

  /** Remove a session with its log, idempotency records and ballots. */
  deleteSession(id: string): void {
    this.stmt.deleteSession.run(id)
  }

  /** How many phones posted in a session (a count only: device ids never leave the store). */
  phonesPosted(sessionId: string): number {
    return this.stmt.phonesPosted.get(sessionId)?.n ?? 0
  }

  /** Who sent a note: the phone's own id for it and its device id (for telling it what became of it). */
  ownerOf(sessionId: string, noteId: string): { clientId: string; deviceId: string | null } | undefined {
    return this.stmt.ownerOf.get(sessionId, noteId)
  }

  /** A phone's dots in one vote, by note. */
  myDots(sessionId: string, voteId: string, phoneKey: string): Record<string, number> {
    const out: Record<string, number> = {}
    for (const r of this.stmt.myDots.all(sessionId, voteId, phoneKey)) out[r.noteId] = r.dots
    return out
  }

  setDots(sessionId: string, voteId: string, phoneKey: string, noteId: string, dots: number): void {
    this.stmt.setDots.run(sessionId, voteId, phoneKey, noteId, dots)
  }

  /** Run `fn` in one SQLite transaction: all of its writes land together or none do. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
