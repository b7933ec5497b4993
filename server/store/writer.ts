import { Worker } from 'node:worker_threads'
import type { Row } from './sql.ts'

/** Messages between the main thread and a writer thread (SQLite's or PostgreSQL's). */
export type ToWriter = { kind: 'batch'; seq: number; rows: Row[] } | { kind: 'close' }
export type FromWriter = { kind: 'ready' } | { kind: 'failed'; error: string } | { kind: 'done'; seq: number; error?: string } | { kind: 'closed' }

/**
 * The main thread's half of a writer thread: sends it batches of rows and resolves each once
 * its transaction has committed, so nothing is acknowledged before it is stored. A writer that
 * cannot start or dies fails every write, loudly, instead of hanging them.
 */
export class WriterThread {
  private seq = 0
  private readonly waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>()
  private error: Error | undefined
  private closing: Promise<void> | undefined
  private readonly started: Promise<void>

  constructor(readonly worker: Worker) {
    this.started = new Promise((resolve, reject) => {
      worker.on('message', (msg: FromWriter) => {
        if (msg.kind === 'ready') resolve()
        else if (msg.kind === 'failed') reject(new Error(msg.error))
      })
      worker.once('error', reject)
      worker.once('exit', () => reject(this.error ?? new Error('the database writer stopped')))
    })
    this.started.catch((err: Error) => this.failAll(err)) // reported by ready() or by the writes that fail
    worker.on('message', (msg: FromWriter) => {
      // A writer that loses its database after starting fails what waits and all that follows.
      if (msg.kind === 'failed') this.failAll(new Error(msg.error))
      if (msg.kind !== 'done') return
      const w = this.waiting.get(msg.seq)
      this.waiting.delete(msg.seq)
      if (msg.error === undefined) w?.resolve()
      else w?.reject(new Error(msg.error))
    })
    worker.on('error', (err) => this.failAll(err))
    worker.on('exit', () => this.failAll(this.error ?? new Error('the database writer stopped')))
  }

  private failAll(err: Error): void {
    this.error ??= err
    for (const w of this.waiting.values()) w.reject(err)
    this.waiting.clear()
  }

  /** Resolves once the writer can take batches; rejects when it cannot start. */
  ready(): Promise<void> {
    return this.started
  }

  write(rows: Row[]): Promise<void> {
    if (this.error || this.closing) return Promise.reject(this.error ?? new Error('the store is closed'))
    const seq = ++this.seq
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject })
      this.worker.postMessage({ kind: 'batch', seq, rows } satisfies ToWriter)
    })
  }

  get pending(): number {
    return this.waiting.size
  }

  /** Let the writes already sent finish, then stop the thread; safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.error) {
        const done = new Promise<void>((resolve) => {
          this.worker.on('message', (m: FromWriter) => m.kind === 'closed' && resolve())
          this.worker.once('exit', () => resolve())
        })
        this.worker.postMessage({ kind: 'close' } satisfies ToWriter)
        await done
      }
      await this.worker.terminate()
    })()
    return this.closing
  }
}
