/**
 * PostgreSQL's thread: two connections, one that answers the main thread's reads (which wait
 * for it, see store/postgres.ts) and one that writes. Batches are committed in the order they
 * were sent; those that queued up during a commit are committed together in one transaction.
 * `synchronous_commit` is left at PostgreSQL's default (on): COMMIT returns once the WAL is
 * flushed, so a batch is durable before the main thread hears it is done.
 */
import pg from 'pg'
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import { compactionTail, Holes, merged, pieces, redact } from './batch.ts'
import { PG_SCHEMA, READS, RECORD_VERSION, SCHEMA_VERSION, WRITES, type Param, type ReadName, type Row } from './sql.ts'
import type { FromWriter, ToWriter } from './writer.ts'

export interface PgWorkerOptions {
  url: string
  /** set to 1 (and notified) when a read's answer is on `replies` */
  signal: SharedArrayBuffer
  requests: MessagePort
  replies: MessagePort
}
export type ReadRequest = { id: number; name: ReadName; params: Param[] }
export type ReadReply = { id: number; rows?: unknown[]; error?: string }

/** Any constant: tables are made under this transaction lock, so nodes starting together do not race. */
const SCHEMA_LOCK = 0x6b75_7275

// BIGINT (counts, epoch ms, seq) as numbers: none of ours comes near 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, Number)

const port = parentPort!
const { url, signal, requests, replies } = workerData as PgWorkerOptions
const flag = new Int32Array(signal)
const reader = new pg.Client({ connectionString: url, application_name: `kurumaza-read-${process.pid}` })
const writer = new pg.Client({ connectionString: url, application_name: `kurumaza-write-${process.pid}` })
const holes = new Holes()

function bind(v: Row[number]): Param | Buffer {
  const m = merged(v)
  return m instanceof Uint8Array ? Buffer.from(m.buffer, m.byteOffset, m.byteLength) : m
}

function answer(reply: ReadReply): void {
  replies.postMessage(reply)
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
}

requests.on('message', (req: ReadRequest) => {
  reader.query(READS[req.name].pg, req.params.map(bind)).then(
    (r) => answer({ id: req.id, rows: r.rows }),
    (err: Error) => answer({ id: req.id, error: err.message }),
  )
})

/** A list of updates is stored as pieces of at most LOG_ROW_BYTES (see batch.ts), as on SQLite. */
async function append(sessionId: string, updates: Uint8Array[]): Promise<void> {
  for (const piece of pieces(updates)) await writer.query(WRITES.appendUpdate.pg, [sessionId, bind(piece)])
}

/** Compaction, as the SQLite writer does it: the log's tail and the new updates merged into few rows. */
async function compact(sessionId: string, updates: Uint8Array[]): Promise<void> {
  const stored = (await writer.query<{ seq: number; data: Buffer }>(WRITES.selectUpdates.pg, [sessionId])).rows
  const tail = compactionTail(stored.map((r) => ({ seq: r.seq, data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength) })))
  if (tail.length > 0) await writer.query(WRITES.deleteUpdatesFrom.pg, [sessionId, tail[0]!.seq])
  await append(sessionId, [...tail.map((r) => r.data), ...updates])
}

async function runRow([name, ...params]: Row): Promise<void> {
  if (name === 'appendUpdate' && Array.isArray(params[1])) await append(params[0] as string, params[1])
  else if (name === 'compactUpdates') await compact(...(params as [string, Uint8Array[]]))
  else await writer.query(WRITES[name].pg, params.map(bind))
}

async function commitAll(batches: Array<{ seq: number; rows: Row[] }>): Promise<void> {
  try {
    await writer.query('BEGIN')
    for (const b of batches) {
      holes.check(b.rows)
      for (const row of b.rows) await runRow(row)
    }
    await writer.query('COMMIT')
    for (const b of batches) {
      holes.committed(b.rows)
      port.postMessage({ kind: 'done', seq: b.seq } satisfies FromWriter)
    }
    return
  } catch (err) {
    await writer.query('ROLLBACK').catch(() => {})
    if (batches.length === 1) {
      const [only] = batches as [{ seq: number; rows: Row[] }]
      holes.failed(only.rows)
      port.postMessage({ kind: 'done', seq: only.seq, error: (err as Error).message } satisfies FromWriter)
      return
    }
  }
  // One batch spoiled the group: commit the others on their own, in order.
  for (const b of batches) await commitAll([b])
}

const queue: Array<{ seq: number; rows: Row[] }> = []
let busy = false
let closing = false

async function pump(): Promise<void> {
  if (busy) return
  busy = true
  while (queue.length > 0) await commitAll(queue.splice(0))
  busy = false
  if (closing) {
    await Promise.allSettled([reader.end(), writer.end()])
    port.postMessage({ kind: 'closed' } satisfies FromWriter)
    port.close()
    requests.close()
  }
}

async function start(): Promise<void> {
  await Promise.all([reader.connect(), writer.connect()])
  await writer.query('BEGIN')
  await writer.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK])
  await writer.query(PG_SCHEMA)
  await writer.query(RECORD_VERSION.pg, ['schema_version', String(SCHEMA_VERSION)])
  await writer.query('COMMIT')
}

// A lost connection fails what waits on it; the main thread then refuses further writes.
for (const c of [reader, writer]) c.on('error', (err) => port.postMessage({ kind: 'failed', error: `PostgreSQL: ${err.message}` } satisfies FromWriter))

port.on('message', (msg: ToWriter) => {
  if (msg.kind === 'close') closing = true
  else queue.push(msg)
  void pump()
})

start().then(
  () => port.postMessage({ kind: 'ready' } satisfies FromWriter),
  (err: Error) => {
    port.postMessage({ kind: 'failed', error: `PostgreSQL at ${redact(url)}: ${err.message}` } satisfies FromWriter)
    void Promise.allSettled([reader.end(), writer.end()]).then(() => process.exit(1))
  },
)
