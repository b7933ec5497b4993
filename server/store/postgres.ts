import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'
import { redact } from './batch.ts'
import type { Param, ReadName, Row } from './sql.ts'
import { Store, StoreError, type Engine } from './store.ts'
import type { PgWorkerOptions, ReadReply, ReadRequest } from './pg-worker.ts'
import { WriterThread } from './writer.ts'

/** A read PostgreSQL has not answered in this long fails (the server is gone or stuck). */
const READ_TIMEOUT_MS = 10_000

function workerScript(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./pg-worker-dev.mjs', import.meta.url)
  return new URL('./store-pg-worker.js', import.meta.url)
}

/**
 * PostgreSQL at `DATABASE_URL`, shared by every node of a cluster. The store's callers read
 * synchronously (as SQLite lets them on the laptop), so a read here is sent to the database
 * thread and this thread waits for its answer (Atomics.wait; a round trip on a LAN is well
 * under a millisecond). Reads are rare: a session's load, a list, a vote's turnout; notes and
 * dots only write, and writes never wait here.
 */
export class PostgresEngine implements Engine {
  readonly dialect = 'pg'
  readonly where: string
  private readonly writer: WriterThread
  private readonly flag = new Int32Array(new SharedArrayBuffer(4))
  private readonly requests
  private readonly replies
  private nextId = 0
  private closed = false

  constructor(url: string) {
    this.where = redact(url)
    const req = new MessageChannel()
    const rep = new MessageChannel()
    this.requests = req.port1
    this.replies = rep.port1
    const workerData: PgWorkerOptions = { url, signal: this.flag.buffer as SharedArrayBuffer, requests: req.port2, replies: rep.port2 }
    this.writer = new WriterThread(new Worker(workerScript(), { workerData, transferList: [req.port2, rep.port2] }))
  }

  all<T>(name: ReadName, params: Param[]): T[] {
    if (this.closed) throw new StoreError('the store is closed', 'unwritable')
    const id = ++this.nextId
    Atomics.store(this.flag, 0, 0)
    this.requests.postMessage({ id, name, params } satisfies ReadRequest)
    const deadline = Date.now() + READ_TIMEOUT_MS
    for (;;) {
      const left = deadline - Date.now()
      if (left <= 0 || Atomics.wait(this.flag, 0, 0, left) === 'timed-out') throw new StoreError(`PostgreSQL at ${this.where} did not answer within ${READ_TIMEOUT_MS / 1000} s`, 'unwritable')
      Atomics.store(this.flag, 0, 0)
      // An answer to an earlier read that timed out is dropped.
      for (let m = receiveMessageOnPort(this.replies); m; m = receiveMessageOnPort(this.replies)) {
        const reply = m.message as ReadReply
        if (reply.id !== id) continue
        if (reply.error !== undefined) throw new Error(reply.error)
        return reply.rows as T[]
      }
    }
  }

  ready(): Promise<void> {
    return this.writer.ready()
  }

  write(rows: Row[]): Promise<void> {
    return this.writer.write(rows)
  }

  get pendingWrites(): number {
    return this.writer.pending
  }

  async close(): Promise<void> {
    this.closed = true
    await this.writer.close()
    this.requests.close()
    this.replies.close()
  }
}

/** Several machines' store: PostgreSQL at `url` (tables made on first start). */
export function postgresStore(url: string, trace?: (name: string) => void): Store {
  return new Store(new PostgresEngine(url), trace)
}
