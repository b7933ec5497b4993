/**
 * The writer thread: owns the only SQLite connection that writes, so a commit's fsync never
 * stalls the event loop that serves phones. Batches are run in the order they were sent; those
 * that queued up while the disk was busy are committed together (one fsync for all of them).
 * WAL checkpoints and compactions of sessions' logs happen here too, when no batch is waiting.
 */
import Database from 'better-sqlite3'
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import { Holes, merged, pieces } from './batch.ts'
import { LOG_ROW_BYTES, WRITES, type Row, type WriteName } from './sql.ts'
import type { FromWriter, ToWriter } from './writer.ts'

export interface WorkerOptions {
  file: string
  durability: 'full' | 'normal'
}

/** Quiet time after which the WAL is copied back into the database file. */
const IDLE_CHECKPOINT_MS = 100
/**
 * Under a burst that never pauses for IDLE_CHECKPOINT_MS, a checkpoint after this many commits
 * anyway, so the WAL stays bounded (about 25 KB a commit: some 100 MB). Every batch that arrives
 * meanwhile waits for it (a checkpoint of 1,000 commits took 25–100 ms on a shared disk), so it
 * is set above what a room's burst commits: 1,000 phones posting within 2 s make 500–1,000.
 */
const BUSY_CHECKPOINT_COMMITS = 4_000
/**
 * A compaction asked for (`compactUpdates`) waits for a quiet moment too: it reads and merges the
 * log's recent rows (87 ms for one in a 1,000-phone burst, every batch behind it waiting). Its
 * updates are appended at once; merging them is only housekeeping. Under a burst that never
 * pauses, a session's log is compacted anyway after this many more commits.
 */
const BUSY_COMPACTION_COMMITS = 2_000

const port = parentPort!
const { file, durability } = workerData as WorkerOptions
const db = new Database(file)
db.pragma('journal_mode = WAL')
db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`)
db.pragma('foreign_keys = ON')
db.pragma('busy_timeout = 5000')
// Checkpoints are this thread's to schedule, away from commits that someone waits for.
db.pragma('wal_autocheckpoint = 0')
db.pragma('journal_size_limit = 1048576')

const statements = new Map<WriteName, Database.Statement>()
const statement = (name: WriteName) => {
  let s = statements.get(name)
  if (!s) statements.set(name, (s = db.prepare(WRITES[name].sqlite)))
  return s
}

const holes = new Holes()

// Bytes arrive as plain Uint8Arrays (structured clone); SQLite binds them as Buffers.
function asBuffer(v: Row[number]): string | number | null | Buffer {
  const m = merged(v)
  return m instanceof Uint8Array ? Buffer.from(m.buffer, m.byteOffset, m.byteLength) : m
}

const append = (sessionId: string, updates: Uint8Array[]) => {
  for (const piece of pieces(updates)) statement('appendUpdate').run(sessionId, asBuffer(piece))
}

/**
 * Compaction: the rows since the log's last full one (at least half of LOG_ROW_BYTES) and the
 * new updates, merged in order into as few rows as fit and put back at the end. Full rows stay
 * as they are, so each compaction costs what changed since the one before, not the whole board.
 */
function compact(sessionId: string, updates: Uint8Array[]): void {
  const stored = statement('selectUpdates').all(sessionId) as Array<{ seq: number; data: Buffer }>
  let from = stored.length
  while (from > 0 && stored[from - 1]!.data.byteLength < LOG_ROW_BYTES / 2) from--
  const tail = stored.slice(from)
  if (tail.length > 0) statement('deleteUpdatesFrom').run(sessionId, tail[0]!.seq)
  append(sessionId, [...tail.map((r) => new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)), ...updates])
}

/** Sessions whose log is due for compaction, with the commits since it was asked for. */
const compactionDue = new Map<string, number>()

function run(rows: Row[]): void {
  holes.check(rows)
  for (const [name, ...params] of rows) {
    if (name === 'appendUpdate' && Array.isArray(params[1])) append(params[0] as string, params[1])
    else if (name === 'compactUpdates') {
      const [sessionId, updates] = params as [string, Uint8Array[]]
      append(sessionId, updates)
      if (!compactionDue.has(sessionId)) compactionDue.set(sessionId, 0)
    } else statement(name).run(...params.map(asBuffer))
  }
}

/** Compacts the logs due (all of them, or those that waited too long), each in a transaction of its own. */
function compactDue(all: boolean): void {
  for (const [sessionId, waited] of compactionDue) {
    if (!all && waited < BUSY_COMPACTION_COMMITS) {
      compactionDue.set(sessionId, waited + 1)
      continue
    }
    compactionDue.delete(sessionId)
    try {
      db.transaction(() => compact(sessionId, []))()
      vacuumDue = true
    } catch {
      // The log is whole as it is, only longer; the next compaction asked for tries again.
    }
  }
}

const afterCommit = (rows: Row[]) => {
  if (holes.committed(rows)) vacuumDue = true
}
const afterFailure = (rows: Row[]) => holes.failed(rows)

let commits = 0
let written = false
let vacuumDue = false
let idle: NodeJS.Timeout | undefined

function commitAll(batches: Array<{ seq: number; rows: Row[] }>): void {
  try {
    db.transaction(() => batches.forEach((b) => run(b.rows)))()
    for (const b of batches) {
      afterCommit(b.rows)
      port.postMessage({ kind: 'done', seq: b.seq } satisfies FromWriter)
    }
    return
  } catch (err) {
    if (batches.length === 1) {
      const [only] = batches as [{ seq: number; rows: Row[] }]
      afterFailure(only.rows)
      port.postMessage({ kind: 'done', seq: only.seq, error: (err as Error).message } satisfies FromWriter)
      return
    }
  }
  // One batch spoiled the group: commit the others on their own, in order.
  for (const b of batches) commitAll([b])
}

function maintain(full: boolean): void {
  compactDue(true)
  try {
    if (vacuumDue) db.pragma('incremental_vacuum')
    vacuumDue = false
    // PASSIVE when idle too: TRUNCATE also waits for readers, syncs and cuts the file (about 4×
    // as long), and a batch that arrives meanwhile waits for it. The WAL starts again from its
    // beginning at the next commit and journal_size_limit keeps the file small; closing truncates.
    db.pragma(`wal_checkpoint(${full ? 'TRUNCATE' : 'PASSIVE'})`)
  } catch {
    // A checkpoint that cannot run now runs at the next quiet moment.
  }
  commits = 0
  written = false
}

function drain(first: ToWriter): void {
  const batches: Array<{ seq: number; rows: Row[] }> = []
  let closing = false
  for (let msg: ToWriter | undefined = first; msg; msg = receiveMessageOnPort(port)?.message as ToWriter | undefined) {
    if (msg.kind === 'close') closing = true
    else batches.push(msg)
  }
  if (batches.length > 0) {
    commitAll(batches)
    commits++
    written = true
  }
  if (closing) {
    clearTimeout(idle)
    maintain(true)
    db.close()
    port.postMessage({ kind: 'closed' } satisfies FromWriter)
    port.close()
    return
  }
  if (commits >= BUSY_CHECKPOINT_COMMITS) maintain(false)
  else if (compactionDue.size > 0 && batches.length > 0) compactDue(false)
  clearTimeout(idle)
  if (written) idle = setTimeout(() => maintain(false), IDLE_CHECKPOINT_MS)
}

port.on('message', drain)
port.postMessage({ kind: 'ready' } satisfies FromWriter)
