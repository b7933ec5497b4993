/**
 * The import thread (see import-thread.ts): parses a record's JSON and checks it, off the
 * kiosk's event loop, then sends the checked notes a message at a time, as the main thread asks.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { checkRecordSteps } from './import.ts'
import { runNow } from './in-turns.ts'
import { NOTES_PER_MESSAGE, parseJson, type FromImport, type ImportJob, type ToImport } from './import-thread.ts'

const port = parentPort!
const send = (msg: FromImport) => port.postMessage(msg)
const { bytes, limits } = workerData as ImportJob

// The thread lives until the main thread ends it, once it has everything (or gave up on it).
try {
  const result = runNow(checkRecordSteps(parseJson(bytes), limits))
  const notes = result.ok ? result.record.notes : []
  let at = 0
  const next = () => {
    if (at < notes.length) {
      send({ kind: 'notes', notes: notes.slice(at, at + NOTES_PER_MESSAGE) })
      at += NOTES_PER_MESSAGE
    } else send({ kind: 'done', result: result.ok ? { ok: true, record: { ...result.record, notes: [] } } : result })
  }
  port.on('message', (msg: ToImport) => msg.kind === 'more' && next())
  next()
} catch (err) {
  send({ kind: 'failed', error: String((err as Error)?.message ?? err) })
  port.on('message', () => {})
}
