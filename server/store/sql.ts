/**
 * The database's tables and every statement that writes to them. The main thread only reads;
 * the writer thread (store/worker.ts) runs the statements named here, so a new kind of row is
 * one line in WRITES and one builder in store/rows.ts.
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

/** Statements the writer thread runs, by name; a row to write is `[name, ...parameters]`. */
export const WRITES = {
  appendUpdate: 'INSERT INTO updates (session_id, data) VALUES (?, ?)',
  deleteUpdates: 'DELETE FROM updates WHERE session_id = ?',
  /** run by the writer itself when it compacts a session's log (`compactUpdates`) */
  selectUpdates: 'SELECT seq, data FROM updates WHERE session_id = ? ORDER BY seq',
  deleteUpdatesFrom: 'DELETE FROM updates WHERE session_id = ? AND seq >= ?',
  /** not a statement: the writer merges the session's log and these updates into few rows */
  compactUpdates: '',
  quarantine:
    'INSERT OR REPLACE INTO quarantined_updates (seq, session_id, data, error, quarantined_at) SELECT seq, session_id, data, ?, ? FROM updates WHERE seq = ? AND session_id = ?',
  deleteUpdate: 'DELETE FROM updates WHERE seq = ? AND session_id = ?',
  insertNoteId: 'INSERT INTO note_ids (session_id, client_id, note_id, device_id, created_at) VALUES (?, ?, ?, ?, ?)',
  setDots: 'INSERT INTO ballots (session_id, vote_id, phone_key, note_id, dots) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET dots = excluded.dots',
  /** a respondent's answers to a round: answering again replaces them */
  setSurveyAnswer:
    'INSERT INTO survey_answers (session_id, survey_id, round, phone_key, answers, answered_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET answers = excluded.answers, answered_at = excluded.answered_at',
  insertQuestionId: 'INSERT INTO question_ids (session_id, client_id, question_id, device_id, created_at) VALUES (?, ?, ?, ?, ?)',
  addUpvote: 'INSERT OR IGNORE INTO upvotes (session_id, question_id, phone_key) VALUES (?, ?, ?)',
  removeUpvote: 'DELETE FROM upvotes WHERE session_id = ? AND question_id = ? AND phone_key = ?',
  deleteUpvotesOf: 'DELETE FROM upvotes WHERE session_id = ? AND question_id = ?',
  insertSession: 'INSERT INTO sessions (id, title, prompt, board_key, created_at) VALUES (?, ?, ?, ?, ?)',
  deleteSession: 'DELETE FROM sessions WHERE id = ?',
  setSummary: 'UPDATE sessions SET summary = ? WHERE id = ?',
  setTexts: 'UPDATE sessions SET title = ?, prompt = ? WHERE id = ?',
  setSetting: 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
} as const

export type WriteName = keyof typeof WRITES

/**
 * The most bytes of Yjs updates the writer merges into one row of a session's log. A session
 * is loaded a row or a few at a time, so this bounds how long one step of a load holds the
 * event loop (64 KB: a few hundred notes, about 10 ms on a quiet 2-core machine).
 */
export const LOG_ROW_BYTES = 64 * 1024
/**
 * One statement to run in the writer's transaction. A list of Yjs updates in place of a BLOB
 * is merged into one by the writer thread, so the main thread does not spend its time on it.
 */
export type Row = readonly [WriteName, ...Array<string | number | null | Uint8Array | Uint8Array[]>]
