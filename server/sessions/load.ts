import * as Y from 'yjs'
import type { SessionDamage } from '../../shared/protocol.ts'
import { projectInTurns } from '../board/projection.ts'
import type { Logger } from '../log.ts'
import { LOAD_PAGE_ROWS } from '../store/sql.ts'
import type { Store } from '../store/store.ts'
import { newRoomDoc, type RoomDoc } from '../yjs/rooms.ts'
import type { DocMirrors } from '../yjs/mirror.ts'

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Reads a session's stored board into `doc`, a few rows per turn of the event loop, and never
 * throws for what is stored in it.
 *
 * The writer keeps a log in rows of at most LOG_ROW_BYTES (server/store/worker.ts), so a board at
 * the note cap loads in steps of about `stepMs` (config.loadStepMs), between which phones and boards of every
 * other session are served (it used to be one merge and one apply of the whole log: 250–350 ms
 * with the loop held). Rows are applied in their order, so each finds what it depends on.
 *
 * One update row that Yjs cannot decode (a disk error, a bad copy) used to throw out of the
 * first connection to its session and take the whole process down, and with it every other
 * session, again at each phone's reconnect. Each row is decoded before it is applied, so a row
 * that is not an update never half enters the document; one that cannot be read is set aside in
 * `quarantined_updates` (kept byte for byte, never deleted) for the facilitator to be told about.
 * Changes that came after a lost row and depend on it stay pending in the document (and in its
 * compactions) in case the row is ever rescued.
 *
 * Resolves with how many rows the log holds now (persistence counts them towards compaction).
 */
export async function loadBoard(store: Store, sessionId: string, doc: Y.Doc, log: Logger, stepMs: number): Promise<number> {
  let stepStart = performance.now()
  const unreadable: Array<{ seq: number; error: string; bytes: number }> = []
  const step = async () => {
    await nextTurn()
    if (doc.isDestroyed) throw new Error(`session ${sessionId} was closed while it loaded`)
    stepStart = performance.now()
  }
  let rows = 0
  // A page of rows at a time (LOAD_PAGE_ROWS): reading is synchronous, and reading the rows
  // counts towards the step (at the cap the whole log is over a megabyte).
  for (let after = 0, page = LOAD_PAGE_ROWS; page === LOAD_PAGE_ROWS; ) {
    if (rows > 0 && performance.now() - stepStart >= stepMs) await step()
    const read = store.loadUpdateRowsPage(sessionId, after, LOAD_PAGE_ROWS)
    page = read.length
    rows += page
    for (const row of read) {
      after = row.seq
      if (performance.now() - stepStart >= stepMs) await step()
      const unread = (err: unknown) => unreadable.push({ seq: row.seq, error: String((err as Error)?.message ?? err).slice(0, 500), bytes: row.data.byteLength })
      try {
        Y.decodeUpdate(row.data)
      } catch (err) {
        unread(err)
        continue
      }
      // Checking a row and applying it are each about half of a compacted board's cost: at the cap
      // they go in two turns, not one.
      if (performance.now() - stepStart >= stepMs) await step()
      try {
        Y.applyUpdate(doc, row.data)
      } catch (err) {
        unread(err)
      }
    }
  }
  if (unreadable.length === 0) return rows
  const bytes = unreadable.reduce((n, r) => n + r.bytes, 0)
  log.error(
    `session ${sessionId}: ${unreadable.length} stored change(s) (${bytes} bytes) could not be read; ` +
      `they are moved to the table quarantined_updates and the rest of the board was loaded (first error: ${unreadable[0]!.error})`,
  )
  store.quarantineUpdates(sessionId, unreadable).catch((err: unknown) => {
    // They stay in the log, to be set aside at the next load; the readable board is served now.
    log.error(`session ${sessionId}: ${unreadable.length} unreadable change(s) could not be set aside:`, err)
  })
  return rows - unreadable.length
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
export async function loadSessionDocs(
  store: Store,
  id: string,
  boardRoom: string,
  log: Logger,
  stepMs: number,
  mirrors?: DocMirrors,
): Promise<{ doc: RoomDoc; board: RoomDoc; stored: number }> {
  const doc = newRoomDoc(id)
  const board = newRoomDoc(boardRoom)
  // Mirrored from empty: every update from here on reaches the mirror thread (yjs/mirror.ts).
  mirrors?.attach(doc)
  mirrors?.attach(board)
  try {
    const stored = await loadBoard(store, id, doc, log, stepMs)
    // The projection's first step, and then the session's making and its first answers, each in
    // a turn of their own: at the note cap, each is a few milliseconds on top of the last row's.
    await nextTurn()
    if (doc.isDestroyed) throw new Error(`session ${id} was closed while it loaded`)
    // the notes in turns: a session at the note cap does not hold the event loop for its whole board
    projectInTurns(doc, board)
    await nextTurn()
    return { doc, board, stored }
  } catch (err) {
    doc.destroy()
    board.destroy()
    throw err
  }
}
