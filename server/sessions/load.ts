import * as Y from 'yjs'
import type { SessionDamage } from '../../shared/protocol.ts'
import { projectInTurns } from '../board/projection.ts'
import type { Logger } from '../log.ts'
import type { Store } from '../store/store.ts'
import { newRoomDoc, type RoomDoc } from '../yjs/rooms.ts'

/**
 * Reads a session's stored board into `doc`, and never throws for what is stored in it.
 *
 * One update row that Yjs cannot decode (a disk error, a bad copy) used to throw out of the
 * first connection to its session and take the whole process down, and with it every other
 * session, again at each phone's reconnect. Here the whole log is applied in one merge as before
 * (the fast path); only when that fails is it applied row by row, keeping every row that can be
 * read and setting the others aside in `quarantined_updates` (kept byte for byte, never deleted)
 * for the facilitator to be told about. Changes that came after a lost row and depend on it stay
 * pending in the document (and in its compactions) in case the row is ever rescued.
 *
 * Returns how many rows the log holds now (persistence counts them towards compaction).
 */
export function loadBoard(store: Store, sessionId: string, doc: Y.Doc, log: Logger): number {
  const rows = store.loadUpdateRows(sessionId)
  if (rows.length === 0) return 0
  try {
    Y.applyUpdate(doc, Y.mergeUpdates(rows.map((r) => r.data)))
    return rows.length
  } catch (err) {
    log.warn(`session ${sessionId}: its stored board does not load as a whole (${(err as Error).message}); reading it row by row`)
  }
  // Yjs updates are idempotent: rows a failed merge already applied are simply applied again.
  const unreadable: Array<{ seq: number; error: string; bytes: number }> = []
  for (const row of rows) {
    try {
      // Decoding first keeps a row that is not an update at all from half entering the document.
      Y.decodeUpdate(row.data)
      Y.applyUpdate(doc, row.data)
    } catch (err) {
      unreadable.push({ seq: row.seq, error: String((err as Error)?.message ?? err).slice(0, 500), bytes: row.data.byteLength })
    }
  }
  if (unreadable.length === 0) return rows.length
  const bytes = unreadable.reduce((n, r) => n + r.bytes, 0)
  log.error(
    `session ${sessionId}: ${unreadable.length} stored change(s) (${bytes} bytes) could not be read; ` +
      `they are moved to the table quarantined_updates and the rest of the board was loaded (first error: ${unreadable[0]!.error})`,
  )
  store.quarantineUpdates(sessionId, unreadable).catch((err: unknown) => {
    // They stay in the log, to be set aside at the next load; the readable board is served now.
    log.error(`session ${sessionId}: ${unreadable.length} unreadable change(s) could not be set aside:`, err)
  })
  return rows.length - unreadable.length
}

/** What the facilitator is told of a session's set-aside changes; null when there are none. */
export function sessionDamage(store: Store, sessionId: string): SessionDamage | null {
  const rows = store.quarantined(sessionId)
  if (rows.length === 0) return null
  return { unreadable: rows.length, bytes: rows.reduce((n, r) => n + r.bytes, 0), since: Math.min(...rows.map((r) => r.at)) }
}

/**
 * A session's two documents, ready to serve: the facilitator's, loaded from the store, and the
 * board's projection of it. When loading fails all the same (the store cannot be read), nothing
 * is left behind, since each room's awareness runs a timer, and the error goes to the caller.
 */
export function loadSessionDocs(store: Store, id: string, boardRoom: string, log: Logger): { doc: RoomDoc; board: RoomDoc; stored: number } {
  const doc = newRoomDoc(id)
  const board = newRoomDoc(boardRoom)
  try {
    const stored = loadBoard(store, id, doc, log)
    // the notes in turns: a session at the note cap does not hold the event loop for its whole board
    projectInTurns(doc, board)
    return { doc, board, stored }
  } catch (err) {
    doc.destroy()
    board.destroy()
    throw err
  }
}
