/**
 * `npx tsx bench/memory.ts [phones] [rounds] [--snapshot]`: the kiosk's RSS over rounds of a
 * full room, on a fresh kiosk (the main bench measures after its other scenarios). Each round
 * connects `phones` phones (default 1,000), each posts one note, and they all leave. With
 * --snapshot the kiosk writes a V8 heap snapshot at the end (node --heapsnapshot-signal) to
 * bench/results/, to see what the heap is made of.
 *
 * MEM_FLAGS=--trace-gc,… gives the kiosk more node flags; MEM_LOG=FILE keeps its output (with
 * --trace-gc, each thread's heap after a collection: the main thread, the mirror, the writer).
 *
 * Memory does not depend on the machine's load the way latencies do, so this can be run beside
 * other work. Everything connects to 127.0.0.1.
 */
import fs from 'node:fs'
import path from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { BENCH_TOKEN, ROOT, startKiosk, tempDataDir } from './lib/procs.ts'

const args = process.argv.slice(2)
const numbers = args.filter((a) => /^\d+$/.test(a)).map(Number)
const PHONES = numbers[0] ?? 1_000
const ROUNDS = numbers[1] ?? 3
const SNAPSHOT = args.includes('--snapshot')
const RESULTS = path.join(ROOT, 'bench', 'results')

const kiosk = await startKiosk({
  root: ROOT,
  dataDir: tempDataDir(),
  durability: 'full',
  logFile: process.env.MEM_LOG,
  nodeFlags: process.env.MEM_FLAGS ? process.env.MEM_FLAGS.split(',') : SNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${RESULTS}`] : [],
})
const rssMB = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${kiosk.pid}/status`, 'utf8'))![1]) / 1024
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const rows: string[] = [`| round | idle | ${PHONES} connected | posted | left |`, '| ---: | ---: | ---: | ---: | ---: |']

const res = await fetch(`${kiosk.url}/api/sessions`, {
  method: 'POST',
  headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
  body: JSON.stringify({ title: 'memory', prompt: 'ベンチマーク' }),
})
const { id } = (await res.json()) as { id: string }

function connect(i: number): Promise<Socket> {
  const s = io(kiosk.url, { auth: { session: id, deviceId: `mem-${i}-${Math.random()}` }, query: { session: id }, transports: ['websocket'], reconnection: false, forceNew: true })
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s))
    s.once('connect_error', reject)
  })
}

try {
  for (let round = 1; round <= ROUNDS; round++) {
    const idle = rssMB()
    const phones: Socket[] = []
    // 50 at a time: a room filling up, not a connection flood (that has its own limits)
    for (let i = 0; i < PHONES; i += 50) phones.push(...(await Promise.all(Array.from({ length: Math.min(50, PHONES - i) }, (_, k) => connect(i + k)))))
    await sleep(1_000)
    const connected = rssMB()
    await Promise.all(phones.map((s, i) => s.timeout(10_000).emitWithAck('note:create', { id: crypto.randomUUID(), text: `メモリ ${round}-${i}` })))
    await sleep(1_000)
    const posted = rssMB()
    for (const s of phones) s.close()
    await sleep(3_000)
    rows.push(`| ${round} | ${idle.toFixed(1)} | ${connected.toFixed(1)} | ${posted.toFixed(1)} | ${rssMB().toFixed(1)} |`)
    console.log(rows.at(-1))
  }
  if (SNAPSHOT) {
    process.kill(kiosk.pid, 'SIGUSR2')
    await sleep(15_000)
    console.log(`heap snapshot written to ${RESULTS}`)
  }
  console.log(`\nKiosk RSS in MB (VmRSS), fresh kiosk, ${PHONES} phones a round:\n\n${rows.join('\n')}`)
} finally {
  await kiosk.stop()
}
