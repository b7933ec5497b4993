/**
 * What both writers (SQLite's worker.ts, PostgreSQL's pg-worker.ts) do alike with a batch of
 * rows, whatever engine commits it.
 */
import { mergeUpdates } from 'yjs'
import type { Param, Row } from './sql.ts'

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
      else if (name === 'appendUpdate' && this.sessions.has(id as string) && !replaced.has(id as string))
        throw new Error('an earlier change of this session was not stored')
    }
  }

  /** After a commit; true when a log was replaced (space to hand back). */
  committed(rows: Row[]): boolean {
    let replaced = false
    for (const [name, id] of rows) if (name === 'deleteUpdates') (this.sessions.delete(id as string), (replaced = true))
    return replaced
  }

  failed(rows: Row[]): void {
    for (const [name, id] of rows) if (name === 'appendUpdate') this.sessions.add(id as string)
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
