import type { SessionRecord } from './record.ts'

/**
 * Work on a record at the note cap (formatting megabytes of Markdown, CSV or JSON) done over
 * several turns of the event loop, so that phones and boards are answered in between: a step
 * function's generator pauses (`yield`) at points where it may be interrupted, and the driver
 * gives the loop back whenever `budgetMs` has passed since the turn began.
 */
export const TURN_BUDGET_MS = 4

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Run a generator to its end at once (the same result, for callers that need it now). */
export function runNow<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/** Run a generator to its end, giving the event loop back after each `budgetMs` of work. */
export async function runInTurns<T>(steps: Generator<void, T>, budgetMs = TURN_BUDGET_MS): Promise<T> {
  let turn = performance.now()
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    if (performance.now() - turn >= budgetMs) {
      await nextTurn()
      turn = performance.now()
    }
  }
}

/** Notes per pause when a record's notes are written out. */
export const NOTES_PER_STEP = 100

/** Where the notes go in the JSON: a string a note's text cannot make (its quotes would be escaped). */
const NOTES_MARK = '"notes": "\\u0000kurumaza-notes\\u0000"'

/**
 * `JSON.stringify(record, null, 2)`, byte for byte, with a pause every `NOTES_PER_STEP` notes
 * (the notes are nearly all of it). Pieces, to be joined or sent one after another.
 */
export function* recordJsonSteps(record: SessionRecord): Generator<void, string[]> {
  const outline = JSON.stringify({ ...record, notes: '\u0000kurumaza-notes\u0000' }, null, 2)
  const at = outline.indexOf(NOTES_MARK)
  if (at < 0) throw new Error('record outline without its notes')
  const pieces = [outline.slice(0, at), '"notes": ']
  if (record.notes.length === 0) pieces.push('[]')
  else {
    // Each note sits two levels deep (the record, its notes array): four more spaces per line.
    pieces.push('[\n')
    for (let i = 0; i < record.notes.length; i++) {
      pieces.push(`${i > 0 ? ',\n' : ''}    ${JSON.stringify(record.notes[i], null, 2).replace(/\n/g, '\n    ')}`)
      if ((i + 1) % NOTES_PER_STEP === 0) yield
    }
    pieces.push('\n  ]')
  }
  pieces.push(outline.slice(at + NOTES_MARK.length))
  return pieces
}

/** Strings to one UTF-8 buffer, converted a few at a time. */
export function* utf8Steps(pieces: readonly string[]): Generator<void, Buffer> {
  const parts: Buffer[] = []
  let chars = 0
  for (const p of pieces) {
    parts.push(Buffer.from(p, 'utf8'))
    chars += p.length
    if (chars >= 64 * 1024) {
      chars = 0
      yield
    }
  }
  return Buffer.concat(parts)
}
