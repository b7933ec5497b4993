import Database from 'better-sqlite3'
import os from 'node:os'
import path from 'node:path'

/**
 * One kiosk per data folder. Two kiosks on one folder each compact the same update log and
 * erase what the other acknowledged, so the second one must not start.
 *
 * The lock is a write transaction held open for the life of the process on a small SQLite file
 * of its own (`kurumaza.sqlite-lock`), kept apart from the store's connections so it does not
 * depend on how or where the store writes. SQLite takes it as an OS (fcntl) lock, which the
 * kernel drops when the process dies, even by kill -9: a restart right after a crash is never
 * locked out by a stale file, which a pid file alone would be.
 *
 * A RESERVED lock (BEGIN IMMEDIATE) rather than an exclusive one: others may still read the
 * file, so a second kiosk can name the one that holds it (pid, host, start time).
 */
export const LOCK_FILE = 'kurumaza.sqlite-lock'

export interface LockHolder {
  pid: number
  host: string
  startedAt: number
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who = holder
      ? `process ${holder.pid}${holder.host === os.hostname() ? '' : ` on ${holder.host}`}, started ${formatTime(holder.startedAt)}`
      : 'another process'
    super(`Another Kurumaza is already using the data folder ${dataDir} (${who}). Stop that one first, or give this one another folder with DATA_DIR.`)
  }
}

/** Local time with its offset, as people read a clock: 2026-11-30 18:55:01 +09:00. */
function formatTime(ms: number): string {
  const d = new Date(ms)
  const off = -d.getTimezoneOffset()
  const pad = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, '0')
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  return `${date} ${off < 0 ? '-' : '+'}${pad(off / 60)}:${pad(off % 60)}`
}

export interface DataDirLock {
  file: string
  /** Let the next kiosk in; safe to call more than once. */
  release(): void
}

const isBusy = (err: unknown) => (err as { code?: string }).code === 'SQLITE_BUSY' || (err as { code?: string }).code === 'SQLITE_LOCKED'

function readHolder(db: Database.Database): LockHolder | undefined {
  try {
    return db.prepare<[], LockHolder>('SELECT pid, host, started_at AS startedAt FROM holder LIMIT 1').get()
  } catch {
    return undefined
  }
}

/**
 * Take the data folder for this process, or throw `DataDirLockedError` naming the kiosk that has
 * it. The folder must exist.
 */
export function lockDataDir(dataDir: string, now = Date.now()): DataDirLock {
  const shown = path.resolve(dataDir)
  const file = path.join(dataDir, LOCK_FILE)
  // timeout 0: a held lock is an answer, not something to wait for.
  const db = new Database(file, { timeout: 0 })
  const refuse = (): never => {
    const holder = readHolder(db)
    db.close()
    throw new DataDirLockedError(shown, holder)
  }
  try {
    // Nothing here needs to survive a power cut: the file only carries the lock and who has it.
    db.pragma('journal_mode = DELETE')
    db.pragma('synchronous = OFF')
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, started_at INTEGER NOT NULL)')
    db.exec('BEGIN IMMEDIATE')
  } catch (err) {
    if (isBusy(err)) refuse()
    db.close()
    throw err
  }
  // Say who we are, then take the lock again at once. Should another kiosk slip in between,
  // it now holds the lock (and has written its own name): this one gives way.
  db.prepare('DELETE FROM holder').run()
  db.prepare('INSERT INTO holder (pid, host, started_at) VALUES (?, ?, ?)').run(process.pid, os.hostname(), now)
  db.exec('COMMIT')
  try {
    db.exec('BEGIN IMMEDIATE')
  } catch (err) {
    if (isBusy(err)) refuse()
    db.close()
    throw err
  }
  return {
    file,
    release() {
      if (db.open) db.close()
    },
  }
}
