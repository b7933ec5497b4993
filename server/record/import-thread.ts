import { Worker } from 'node:worker_threads'
import type { Limits } from '../../shared/limits.ts'
import type { Logger } from '../log.ts'
import { importOf, readRecord, type CheckResult, type CheckedRecord, type ImportResult } from './import.ts'

/** What the import thread is started with. */
export interface ImportJob {
  /** the request's body as it came (UTF-8 JSON) */
  bytes: Uint8Array
  limits: Limits
}
/** Messages between the main thread and the import thread (import-worker.ts). */
export type ToImport = { kind: 'more' }
export type FromImport = { kind: 'notes'; notes: CheckedRecord['notes'] } | { kind: 'done'; result: CheckResult } | { kind: 'failed'; error: string }

/**
 * Checked notes per message from the thread. Taking one in (structured-clone decoding) is work
 * on the event loop too: a few hundred notes are well under a millisecond, all 5,000 are not.
 */
export const NOTES_PER_MESSAGE = 500

/** The import thread's module: its TypeScript source under tsx, the bundled file under `npm start`. */
function importScript(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./import-worker-dev.mjs', import.meta.url)
  return new URL('./record-import-worker.js', import.meta.url)
}

/** JSON bytes to a value, on whichever thread calls it; undefined when they are not JSON (refused as `invalid`). */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    // TextDecoder drops a leading byte-order mark, as body-parser did.
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    return undefined
  }
}

/**
 * Read a JSON record from a request's raw body off the event loop: at the note cap, decoding
 * and parsing megabytes of JSON and checking the record's shape are each one long step that
 * cannot be cut into turns. A thread of its own for each import (imports are rare; its memory
 * goes when it ends) parses and checks it, then hands the checked notes over a few hundred
 * per turn, asked for one message at a time (messages already waiting would all be taken in
 * one turn). What is written into the board is written here, by `apply`, through the same
 * path as before.
 *
 * If the thread cannot start or dies before it answers, the record is read on the event loop
 * as it used to be (the parse in one step, the checks in turns): slower for the room, never
 * wrong.
 */
export function readRecordBytes(bytes: Uint8Array, limits: Limits, log: Logger, script: URL = importScript()): Promise<ImportResult> {
  return new Promise<ImportResult>((resolve, reject) => {
    let settled = false
    const notes: CheckedRecord['notes'] = []
    let worker: Worker
    try {
      worker = new Worker(script, { workerData: { bytes, limits } satisfies ImportJob })
    } catch (err) {
      onLoop(err as Error)
      return
    }
    // The kiosk's shutdown never waits for an import in progress.
    worker.unref()
    const finish = () => {
      settled = true
      void worker.terminate()
    }
    function onLoop(err: Error) {
      if (settled) return
      settled = true
      log.warn('the record import thread is not available; reading the record on the main thread:', err.message)
      readRecord(parseJson(bytes), limits).then(resolve, reject)
    }
    worker.on('message', (msg: FromImport) => {
      if (settled) return
      if (msg.kind === 'notes') {
        for (const n of msg.notes) notes.push(n)
        // the next message in a later turn: the loop is given back between two
        setImmediate(() => settled || worker.postMessage({ kind: 'more' } satisfies ToImport))
      } else if (msg.kind === 'done') {
        finish()
        // in a turn of its own: what the caller does next (a new board) is not added to this one
        const result = msg.result
        setImmediate(() => resolve(importOf(result.ok ? { ok: true, record: { ...result.record, notes } } : result)))
      } else {
        finish()
        reject(new Error(`the record import thread failed: ${msg.error}`))
      }
    })
    worker.on('error', (err) => {
      if (!settled) void worker.terminate()
      onLoop(err)
    })
    worker.on('exit', (code) => onLoop(new Error(`the thread exited (${code})`)))
  })
}
