/**
 * The database's tables and every statement the store runs, in both dialects: SQLite (the
 * laptop's embedded store) and PostgreSQL (`DATABASE_URL`, several machines). A new kind of row
 * is one entry in WRITES (its `sqlite` and its `pg` text side by side) and one builder in
 * store/rows.ts; a new table goes in SCHEMA and PG_SCHEMA. The types refuse an entry without
 * both dialects, and the store contract suite (tests/store-contract/) fails for a statement it
 * never ran against both stores.
 */
/**
 * 2: quarantined_updates, where update rows Yjs cannot read are set aside.
 * 3: question_ids and upvotes (questions to the speaker). Older files get the two tables, empty.
 * 4: survey_answers, one row per respondent per round of a survey (older files gain the table).
 */
export const SCHEMA_VERSION = 4

export const SCHEMA = `
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
CREATE TABLE IF NOT EXISTS survey_answers (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  survey_id   TEXT NOT NULL,
  round       INTEGER NOT NULL,
  phone_key   TEXT NOT NULL,
  answers     TEXT NOT NULL,
  answered_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, survey_id, round, phone_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS question_ids (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  client_id   TEXT NOT NULL,
  question_id TEXT NOT NULL,
  device_id   TEXT,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (session_id, client_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS upvotes (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  question_id TEXT NOT NULL,
  phone_key   TEXT NOT NULL,
  PRIMARY KEY (session_id, question_id, phone_key)
) WITHOUT ROWID;
`

/** One statement in both dialects: SQLite binds `?`, PostgreSQL `$1, $2, …`. */
export interface Dialects {
  sqlite: string
  pg: string
}

/** A statement whose text both engines read alike, but for their placeholders. */
export function portable(sqlite: string): Dialects {
  let n = 0
  return { sqlite, pg: sqlite.replace(/\?/g, () => `$${++n}`) }
}

/**
 * The same tables in PostgreSQL. `ord` stands in for SQLite's rowid (the order sessions were
 * made in); BIGINT for epoch milliseconds; BYTEA for Yjs updates.
 */
export const PG_SCHEMA = `
CREATE TABLE IF NOT EXISTS settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  id         TEXT PRIMARY KEY,
  title      TEXT NOT NULL,
  prompt     TEXT NOT NULL DEFAULT '',
  board_key  TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  summary    TEXT,
  ord        BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE IF NOT EXISTS updates (
  seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  data       BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_by_session ON updates(session_id, seq);
CREATE TABLE IF NOT EXISTS quarantined_updates (
  seq            BIGINT PRIMARY KEY,
  session_id     TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  data           BYTEA NOT NULL,
  error          TEXT NOT NULL,
  quarantined_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS quarantined_by_session ON quarantined_updates(session_id, seq);
CREATE TABLE IF NOT EXISTS note_ids (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  client_id  TEXT NOT NULL,
  note_id    TEXT NOT NULL,
  device_id  TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, client_id)
);
CREATE INDEX IF NOT EXISTS note_ids_by_note ON note_ids(session_id, note_id);
CREATE TABLE IF NOT EXISTS ballots (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  vote_id    TEXT NOT NULL,
  phone_key  TEXT NOT NULL,
  note_id    TEXT NOT NULL,
  dots       INTEGER NOT NULL,
  PRIMARY KEY (session_id, vote_id, phone_key, note_id)
);
CREATE TABLE IF NOT EXISTS survey_answers (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  survey_id   TEXT NOT NULL,
  round       INTEGER NOT NULL,
  phone_key   TEXT NOT NULL,
  answers     TEXT NOT NULL,
  answered_at BIGINT NOT NULL,
  PRIMARY KEY (session_id, survey_id, round, phone_key)
);
CREATE TABLE IF NOT EXISTS question_ids (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  client_id   TEXT NOT NULL,
  question_id TEXT NOT NULL,
  device_id   TEXT,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (session_id, client_id)
);
CREATE TABLE IF NOT EXISTS upvotes (
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  question_id TEXT NOT NULL,
  phone_key   TEXT NOT NULL,
  PRIMARY KEY (session_id, question_id, phone_key)
);
`

/** Records the schema version, never lowering it (a newer kiosk may have written there). */
export const RECORD_VERSION: Dialects = {
  sqlite:
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))',
  pg: 'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = GREATEST(settings.value::integer, excluded.value::integer)::text',
}

/** Statements that write, by name; a row to write is `[name, ...parameters]`. */
export const WRITES = {
  appendUpdate: portable('INSERT INTO updates (session_id, data) VALUES (?, ?)'),
  deleteUpdates: portable('DELETE FROM updates WHERE session_id = ?'),
  /** run by the writer itself when it compacts a session's log (`compactUpdates`) */
  selectUpdates: portable('SELECT seq, data FROM updates WHERE session_id = ? ORDER BY seq'),
  deleteUpdatesFrom: portable('DELETE FROM updates WHERE session_id = ? AND seq >= ?'),
  /** not a statement: the writer merges the session's log and these updates into few rows (batch.ts) */
  compactUpdates: { sqlite: '', pg: '' },
  quarantine: {
    sqlite:
      'INSERT OR REPLACE INTO quarantined_updates (seq, session_id, data, error, quarantined_at) SELECT seq, session_id, data, ?, ? FROM updates WHERE seq = ? AND session_id = ?',
    pg:
      'INSERT INTO quarantined_updates (seq, session_id, data, error, quarantined_at) SELECT seq, session_id, data, $1, $2 FROM updates WHERE seq = $3 AND session_id = $4 ' +
      'ON CONFLICT (seq) DO UPDATE SET session_id = excluded.session_id, data = excluded.data, error = excluded.error, quarantined_at = excluded.quarantined_at',
  },
  deleteUpdate: portable('DELETE FROM updates WHERE seq = ? AND session_id = ?'),
  insertNoteId: portable('INSERT INTO note_ids (session_id, client_id, note_id, device_id, created_at) VALUES (?, ?, ?, ?, ?)'),
  setDots: {
    sqlite: 'INSERT INTO ballots (session_id, vote_id, phone_key, note_id, dots) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET dots = excluded.dots',
    pg: 'INSERT INTO ballots (session_id, vote_id, phone_key, note_id, dots) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (session_id, vote_id, phone_key, note_id) DO UPDATE SET dots = excluded.dots',
  },
  /** a respondent's answers to a round: answering again replaces them */
  setSurveyAnswer: {
    sqlite:
      'INSERT INTO survey_answers (session_id, survey_id, round, phone_key, answers, answered_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET answers = excluded.answers, answered_at = excluded.answered_at',
    pg:
      'INSERT INTO survey_answers (session_id, survey_id, round, phone_key, answers, answered_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session_id, survey_id, round, phone_key) DO UPDATE SET answers = excluded.answers, answered_at = excluded.answered_at',
  },
  insertQuestionId: portable('INSERT INTO question_ids (session_id, client_id, question_id, device_id, created_at) VALUES (?, ?, ?, ?, ?)'),
  addUpvote: {
    sqlite: 'INSERT OR IGNORE INTO upvotes (session_id, question_id, phone_key) VALUES (?, ?, ?)',
    pg: 'INSERT INTO upvotes (session_id, question_id, phone_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
  },
  removeUpvote: portable('DELETE FROM upvotes WHERE session_id = ? AND question_id = ? AND phone_key = ?'),
  deleteUpvotesOf: portable('DELETE FROM upvotes WHERE session_id = ? AND question_id = ?'),
  insertSession: portable('INSERT INTO sessions (id, title, prompt, board_key, created_at) VALUES (?, ?, ?, ?, ?)'),
  deleteSession: portable('DELETE FROM sessions WHERE id = ?'),
  setSummary: portable('UPDATE sessions SET summary = ? WHERE id = ?'),
  setTexts: portable('UPDATE sessions SET title = ?, prompt = ? WHERE id = ?'),
  addSetting: portable('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
  setSetting: {
    sqlite: 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    pg: 'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  },
} satisfies Record<string, Dialects>

const SESSION_COLUMNS = 'id, title, prompt, board_key AS "boardKey", created_at AS "createdAt", summary'

/**
 * Statements that read, by name. Column aliases are quoted so both engines keep their case.
 * Counts are BIGINT in PostgreSQL; its driver (store/pg-worker.ts) reads them as numbers.
 */
export const READS = {
  getSetting: portable('SELECT value FROM settings WHERE key = ?'),
  getSession: portable(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`),
  listSessions: {
    sqlite: `SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY created_at DESC, rowid DESC`,
    pg: `SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY created_at DESC, ord DESC`,
  },
  loadUpdates: portable('SELECT seq, data FROM updates WHERE session_id = ? ORDER BY seq'),
  loadUpdatesPage: portable('SELECT seq, data FROM updates WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
  quarantined: portable('SELECT seq, length(data) AS bytes, error, quarantined_at AS at FROM quarantined_updates WHERE session_id = ? ORDER BY seq'),
  countUpdates: portable('SELECT count(*) AS n FROM updates WHERE session_id = ?'),
  noteIds: portable('SELECT client_id AS "clientId", note_id AS "noteId", device_id AS "deviceId" FROM note_ids WHERE session_id = ?'),
  myDots: portable('SELECT note_id AS "noteId", dots FROM ballots WHERE session_id = ? AND vote_id = ? AND phone_key = ? AND dots > 0'),
  voters: portable('SELECT count(DISTINCT phone_key) AS n FROM ballots WHERE session_id = ? AND vote_id = ? AND dots > 0'),
  surveyAnswers: portable(
    'SELECT answers, answered_at AS "answeredAt" FROM survey_answers WHERE session_id = ? AND survey_id = ? AND round = ? ORDER BY answered_at, phone_key',
  ),
  surveyAnswered: portable('SELECT count(*) AS n FROM survey_answers WHERE session_id = ? AND survey_id = ?'),
  myAnswer: portable('SELECT answers FROM survey_answers WHERE session_id = ? AND survey_id = ? AND round = ? AND phone_key = ?'),
  questionIds: portable('SELECT client_id AS "clientId", question_id AS "questionId", device_id AS "deviceId" FROM question_ids WHERE session_id = ?'),
  upvotes: portable('SELECT question_id AS "questionId", phone_key AS "phoneKey" FROM upvotes WHERE session_id = ?'),
  phonesPosted: portable('SELECT count(DISTINCT device_id) AS n FROM note_ids WHERE session_id = ? AND device_id IS NOT NULL'),
  /**
   * A session's lease: on PostgreSQL an advisory lock held by the reading connection, which
   * lives as long as the node (a node that dies, even by SIGKILL, drops its connection and so
   * its leases at once). On SQLite one process owns the file (the data folder's lock): always yes.
   */
  takeLease: { sqlite: 'SELECT ? IS NOT NULL AS ok', pg: 'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok' },
  releaseLease: { sqlite: 'SELECT ? IS NOT NULL AS ok', pg: 'SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS ok' },
} satisfies Record<string, Dialects>

export type WriteName = keyof typeof WRITES
export type ReadName = keyof typeof READS
export type Dialect = keyof Dialects
export type Param = string | number | null | Uint8Array
/**
 * One statement to run in the writer's transaction. A list of Yjs updates in place of a BLOB
 * is merged into one by the writer thread, so the main thread does not spend its time on it.
 */
export type Row = readonly [WriteName, ...Array<Param | Uint8Array[]>]

/**
 * The most bytes of Yjs updates the writer merges into one row of a session's log. A session
 * is loaded a row or a few at a time, so this bounds how long one step of a load holds the
 * event loop (64 KB: a few hundred notes, about 10 ms on a quiet 2-core machine).
 */
export const LOG_ROW_BYTES = 64 * 1024

/**
 * Rows of a session's log read at once when it is loaded (at most 8 × LOG_ROW_BYTES = 512 KB):
 * the read is synchronous (and with PostgreSQL a wait for its thread), so a board at the note
 * cap is read a page per turn, not all of it in the first.
 */
export const LOAD_PAGE_ROWS = 8
