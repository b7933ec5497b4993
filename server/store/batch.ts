/**
 * What both writers (SQLite's worker.ts, PostgreSQL's pg-worker.ts) do alike with a batch of
 * rows, whatever engine commits it.
 */
import { mergeUpdates } from 'yjs'
import { LOG_ROW_BYTES, type Param, type Row } from './sql.ts'

/** A list of Yjs updates in place of one value is stored merged into one. */
export function merged(v: Row[number]): Param {
  if (Array.isArray(v)) return v.length === 1 ? v[0]! : mergeUpdates(v)
  return v as Param
}

/**
 * Sessions whose log has a hole: a batch that appended to it failed. Yjs cannot apply updates
 * whose predecessors are missing, so appends to such a session are refused until a batch
 * replaces its whole log (the main thread sends one as soon as it hears of the failure).
 */
export class Holes {
  private readonly sessions = new Set<string>()

  /** Throws when the rows append to a session with a hole that they do not replace first. */
  check(rows: Row[]): void {
    const replaced = new Set<string>()
    for (const [name, id] of rows) {
      if (name === 'deleteUpdates') replaced.add(id as string)
      else if ((name === 'appendUpdate' || name === 'compactUpdates') && this.sessions.has(id as string) && !replaced.has(id as string))
        throw new Error('an earlier change of this session was not stored')
    }
  }

  /** After a commit; true when a log was replaced or compacted (space to hand back). */
  committed(rows: Row[]): boolean {
    let freed = false
    for (const [name, id] of rows) {
      if (name === 'deleteUpdates') this.sessions.delete(id as string)
      if (name === 'deleteUpdates' || name === 'compactUpdates') freed = true
    }
    return freed
  }

  failed(rows: Row[]): void {
    for (const [name, id] of rows) if (name === 'appendUpdate' || name === 'compactUpdates') this.sessions.add(id as string)
  }
}

/** A database URL without its password, for messages. */
export function redact(raw: string): string {
  try {
    const u = new URL(raw)
    if (u.password) u.password = '***'
    return u.href
  } catch {
    return 'DATABASE_URL'
  }
}

/**
 * Consecutive updates merged into pieces of at most LOG_ROW_BYTES (one larger than that stays
 * alone): a session's log is then rows a load can apply a few at a time, between which the
 * event loop serves everyone else. Merging neighbours in order keeps what each row depends on
 * in the rows before it.
 */
export function pieces(updates: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = []
  let run: Uint8Array[] = []
  let bytes = 0
  const close = () => {
    if (run.length > 0) out.push(run.length === 1 ? run[0]! : mergeUpdates(run))
    run = []
    bytes = 0
  }
  for (const u of updates) {
    if (bytes + u.byteLength > LOG_ROW_BYTES) close()
    run.push(u)
    bytes += u.byteLength
  }
  close()
  return out
}

/**
 * Compaction's plan: of a session's stored rows (oldest first), the tail from the last full one
 * (at least half of LOG_ROW_BYTES) on, which is deleted and merged with the new updates. Full
 * rows stay as they are, so each compaction costs what changed since the one before.
 */
export function compactionTail<R extends { data: Uint8Array }>(stored: R[]): R[] {
  let from = stored.length
  while (from > 0 && stored[from - 1]!.data.byteLength < LOG_ROW_BYTES / 2) from--
  return stored.slice(from)
}
