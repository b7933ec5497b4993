/**
 * The CPU cost of each piece of work behind the stall bench's operations, measured in isolation
 * on a session at the note cap: each is repeated and the fastest and median runs are reported,
 * which a busy machine disturbs far less than one wall-clock stall. For an operation done in
 * turns, "turn" is its longest single turn of the event loop (every setImmediate/setTimeout
 * callback it schedules is timed).
 *
 *   npx tsx bench/stall-parts.ts [--notes=N] [--reps=R]
 */
import * as Y from 'yjs'
import { LIMITS } from '../shared/limits.ts'
import { initBoard } from '../server/board/rules.ts'
import { projectAll, projectChanges, projecting } from '../server/board/projection.ts'
import { readRecord } from '../server/record/import.ts'
import { buildRecord, buildRecordInTurns } from '../server/record/record.ts'
import { markdownSteps, toMarkdown } from '../server/record/markdown.ts'
import { csvSteps, toCsv } from '../server/record/csv.ts'
import { recordJsonSteps, runInTurns, utf8Steps } from '../server/record/in-turns.ts'
import { DocMirrors } from '../server/yjs/mirror.ts'
import { SyncQueue } from '../server/yjs/sync-queue.ts'
import { quietLogger } from '../server/log.ts'
import { pieces } from '../server/store/batch.ts'
import { metaMap } from '../shared/board-doc.ts'
import { bigRecord } from './stall.ts'

const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def)
const NOTES = arg('notes', LIMITS.maxNotesPerSession)
const REPS = arg('reps', 15)

/** Times every callback scheduled with setImmediate/setTimeout while `op` runs: the longest turn. */
async function turns(op: () => Promise<unknown>): Promise<{ first: number; longest: number; total: number }> {
  const si = globalThis.setImmediate
  let longest = 0
  const wrap = (fn: (...a: unknown[]) => void) => (...a: unknown[]) => {
    const t = performance.now()
    try {
      fn(...a)
    } finally {
      longest = Math.max(longest, performance.now() - t)
    }
  }
  globalThis.setImmediate = ((fn: (...a: unknown[]) => void, ...a: unknown[]) => si(wrap(fn), ...a)) as typeof setImmediate
  const t0 = performance.now()
  let first = 0
  try {
    const p = op()
    first = performance.now() - t0
    await p
  } finally {
    globalThis.setImmediate = si
  }
  return { first, longest: Math.max(longest, first), total: performance.now() - t0 }
}

const rows: string[] = []
async function measure(name: string, fn: () => number | Promise<number>): Promise<void> {
  const xs: number[] = []
  for (let i = 0; i < REPS; i++) xs.push(await fn())
  xs.sort((a, b) => a - b)
  const line = `${name.padEnd(48)} min ${xs[0]!.toFixed(2).padStart(7)}  median ${xs[xs.length >> 1]!.toFixed(2).padStart(7)} ms`
  rows.push(line)
  console.log(line)
}
const time = (fn: () => unknown) => {
  const t = performance.now()
  fn()
  return performance.now() - t
}

const limits = { ...LIMITS, maxNotesPerSession: NOTES } as typeof LIMITS
const body = JSON.stringify(bigRecord(NOTES))
const full = new Y.Doc()
initBoard(full, { title: '大きな会', prompt: '問い', createdAt: Date.now() }, 'p1')
const updates: Uint8Array[] = [Y.encodeStateAsUpdate(full)]
full.on('update', (u: Uint8Array) => updates.push(u))
const read = await readRecord(JSON.parse(body), limits)
if (!read.ok) throw new Error(read.error)
await read.apply(full)
const board = new Y.Doc()
projectAll(full, board)
full.on('afterTransaction', (tr: Y.Transaction) => projectChanges(full, board, tr))
const rowsOfLog = pieces(updates)
console.log(`${NOTES} notes; ${REPS} reps; log of ${rowsOfLog.length} rows; board state ${Y.encodeStateAsUpdate(board).byteLength} B`)

await measure('import: JSON.parse of the body (one step)', () => time(() => JSON.parse(body)))
await measure('import: readRecord, first turn', async () => (await turns(() => readRecord(JSON.parse(body), limits))).first)
await measure('import: readRecord, longest turn', async () => (await turns(() => readRecord(JSON.parse(body), limits))).longest)
await measure('import: apply, longest turn', async () => {
  const r = await readRecord(JSON.parse(body), limits)
  if (!r.ok) throw new Error(r.error)
  return (await turns(() => r.apply(new Y.Doc()))).longest
})
await measure('load: apply one stored row (≤ 64 KB), median row', () => {
  const d = new Y.Doc()
  const each = rowsOfLog.map((r) => time(() => Y.applyUpdate(d, r))).sort((a, b) => a - b)
  return each[each.length >> 1]!
})
await measure('board: encodeStateAsUpdate(board) on the loop (before)', () => time(() => Y.encodeStateAsUpdate(board)))
await measure('board: encodeStateAsUpdate(full doc) on the loop (before)', () => time(() => Y.encodeStateAsUpdate(full)))
{
  // now: the loop's share of a board's first sync when the mirror thread encodes it
  const mirrors = new DocMirrors(quietLogger([]))
  const mirrored = new Y.Doc()
  mirrors.attach(mirrored)
  Y.applyUpdate(mirrored, Y.encodeStateAsUpdate(board))
  while (!mirrors.running) await new Promise((r) => setTimeout(r, 20))
  await mirrors.encode(mirrored, Y.encodeStateVector(new Y.Doc()))
  const queue = new SyncQueue(5_000, 3, (err) => console.error(err), mirrors)
  await measure('board: SyncQueue answer via the mirror, longest turn (now)', async () => {
    // a change between answers, so the thread encodes afresh each time
    mirrored.getMap('meta').set('bench', Math.random())
    return (
      await turns(
        () =>
          new Promise<void>((resolve) => {
            queue.answer(mirrored, Y.encodeStateVector(new Y.Doc()), (m) => void (m[0]!.byteLength > 0 && resolve()), () => true)
          }),
      )
    ).longest
  })
  queue.close()
  await mirrors.close()
}
await measure('settings: face down, longest turn', async () => {
  const down = !metaMap(full).get('faceDown')
  return (
    await turns(async () => {
      full.transact(() => metaMap(full).set('faceDown', down))
      while (projecting(board)) await new Promise((r) => setImmediate(r))
    })
  ).longest
})
const opts = { includeHidden: false, phones: 0 }
const record = buildRecord('bench', full, opts)
await measure('export: buildRecordInTurns, longest turn', async () => (await turns(() => buildRecordInTurns('bench', full, opts))).longest)
await measure('export json: one step (before)', () => time(() => Buffer.from(JSON.stringify(record, null, 2))))
await measure('export json: in turns, longest turn (now)', async () => (await turns(async () => runInTurns(utf8Steps(await runInTurns(recordJsonSteps(record)))))).longest)
await measure('export md: one step (before)', () => time(() => Buffer.from(toMarkdown(record))))
await measure('export md: in turns, longest turn (now)', async () => (await turns(async () => runInTurns(utf8Steps([await runInTurns(markdownSteps(record))])))).longest)
await measure('export csv: one step (before)', () => time(() => Buffer.from(toCsv(record))))
await measure('export csv: in turns, longest turn (now)', async () => (await turns(async () => runInTurns(utf8Steps([await runInTurns(csvSteps(record))])))).longest)
await measure('export: Intl.DateTimeFormat made (each export, before)', () => time(() => new Intl.DateTimeFormat('ja-JP', { dateStyle: 'long', timeStyle: 'short', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone })))
process.exit(0)
