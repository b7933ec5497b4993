/**
 * The conference bench (`npm run bench -- --cluster`): `npm run cluster -- --nodes 3` with
 * throwaway PostgreSQL and Redis, 10 sessions × 300 phones bursting together through HAProxy
 * (one note each within 2 s), then SIGKILL of the node holding most sessions and the time until
 * each of its sessions takes a note again. Reports every note acknowledged, ack and board
 * latency, CPU and memory per node, bus (Redis PUBLISH) messages per note, failover time.
 * `--quick`: 10 × 30 phones. Writes bench/results/cluster.md and cluster.json.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { io } from 'socket.io-client'
import { createClient } from 'redis'
import type { SessionLinks } from '../shared/protocol.ts'
import { startCluster } from '../tests/helpers/cluster.ts'
import { YBoard } from './lib/boards.ts'
import type { ConnectResult, NoteResult } from './lib/ipc.ts'
import { BENCH_TOKEN, PhoneWorker, ROOT } from './lib/procs.ts'
import { readTag } from './lib/texts.ts'
import { now, ProcSampler, sleep, summarize, type ProcUsage } from './lib/util.ts'

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const SESSIONS = 10
const PHONES = quick ? 30 : 300
const WINDOW_MS = 2_000
const ACK_TIMEOUT_MS = 15_000
const WORKERS = 2
const log = (s: string) => console.log(`[cluster bench] ${s}`)

async function publishes(url: string): Promise<number> {
  const c = createClient({ url })
  await c.connect()
  try {
    const info = await c.info('commandstats')
    return Number(/cmdstat_publish:calls=(\d+)/.exec(info)?.[1] ?? 0)
  } finally {
    await c.quit()
  }
}

/** A newcomer's view of a session: connect through the proxy, post, wait for the ack. */
async function postsOnce(url: string, session: string): Promise<boolean> {
  const s = io(url, { auth: { session }, query: { session }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 1_000 })
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve)
      s.once('connect_error', reject)
    })
    const id = `fo${Math.random().toString(36).slice(2, 12)}`.padEnd(12, '0')
    const ack = (await s.timeout(1_500).emitWithAck('note:create', { id, text: 'failover probe' })) as { ok: boolean }
    return ack.ok
  } catch {
    return false
  } finally {
    s.close()
  }
}

// The phone workers boot (through tsx) while the cluster starts.
const workers = Array.from({ length: WORKERS }, (_, i) => new PhoneWorker(`phones-${i}`))
const cluster = await startCluster(3, BENCH_TOKEN)
const boards: YBoard[] = []
try {
  const { url } = cluster.info
  log(`3 nodes behind HAProxy at ${url}; ${SESSIONS} sessions × ${PHONES} phones`)
  await Promise.all(workers.map((w) => w.syncClock()))
  const sessions: SessionLinks[] = []
  for (let i = 0; i < SESSIONS; i++) {
    const res = await fetch(`${url}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `会場 ${i + 1}`, prompt: 'ベンチマーク' }),
    })
    sessions.push((await res.json()) as SessionLinks)
  }
  for (const s of sessions) boards.push(await YBoard.open(url, s.id, s.boardUrl))
  const t0 = now()
  const conns = await Promise.all(
    sessions.flatMap((s, i) =>
      workers.map((w, j) => w.request<ConnectResult>({ type: 'connect', url, session: s.id, count: PHONES / WORKERS, prefix: `c${i}w${j}`, concurrency: 10 }, 300_000)),
    ),
  )
  const connected = conns.reduce((n, c) => n + c.connected, 0)
  log(`${connected} / ${SESSIONS * PHONES} phones connected in ${((now() - t0) / 1000).toFixed(1)} s${conns.some((c) => c.failed) ? `; refused: ${conns.flatMap((c) => c.errors).slice(0, 3).join('; ')}` : ''}`)
  const owners = await cluster.owners()
  const perNode = cluster.info.nodes.map((n) => ({ pid: n.pid, sessions: [...owners.values()].filter((p) => p === n.pid).length }))
  log(`sessions per node: ${perNode.map((n) => n.sessions).join(', ')}`)

  await sleep(1_000)
  const samplers = cluster.info.nodes.map((n) => new ProcSampler(n.pid, 100))
  const proxyUse = new ProcSampler(cluster.info.proxy.pid, 100)
  const pub0 = await publishes(cluster.redisUrl)
  samplers.forEach((s) => s.start())
  proxyUse.start()
  const startAt = now() + 500
  const results = (
    await Promise.all(
      workers.map((w) =>
        w
          .request<NoteResult[]>({ type: 'post', startAt: startAt + w.clockOffsetMs, windowMs: WINDOW_MS, perPhone: 1, ackTimeoutMs: ACK_TIMEOUT_MS }, WINDOW_MS + ACK_TIMEOUT_MS + 30_000)
          .then((rs) => rs.map((r) => ({ ...r, sendAt: r.sendAt - w.clockOffsetMs, ackAt: r.ackAt === undefined ? undefined : r.ackAt - w.clockOffsetMs }))),
      ),
    )
  ).flat()
  const acked = results.filter((r) => r.ok)
  // Every acknowledged note on its board (keys are in the notes' texts).
  const seenAt = new Map<string, number>()
  const until = now() + 15_000
  while (now() < until) {
    seenAt.clear()
    for (const b of boards) for (const [k, t] of b.seen) seenAt.set(k, t)
    if (acked.every((r) => seenAt.has(r.key))) break
    await sleep(100)
  }
  const usage: ProcUsage[] = samplers.map((s) => s.stop())
  const proxy = proxyUse.stop()
  const pub1 = await publishes(cluster.redisUrl)
  const ack = summarize(acked.map((r) => r.ackAt! - r.sendAt))
  const board = summarize(acked.filter((r) => seenAt.has(r.key)).map((r) => seenAt.get(r.key)! - r.sendAt))
  const errors: Record<string, number> = {}
  for (const r of results) if (!r.ok) errors[r.error ?? '?'] = (errors[r.error ?? '?'] ?? 0) + 1
  log(`${acked.length} / ${results.length} notes acknowledged; ack p50 ${ack.p50.toFixed(1)} p99 ${ack.p99.toFixed(1)} ms; board p50 ${board.p50.toFixed(1)} p99 ${board.p99.toFixed(1)} ms; on boards ${acked.filter((r) => seenAt.has(r.key)).length}`)

  // Failover: the node with most sessions dies; each of its sessions, polled by newcomers.
  const victim = [...perNode].sort((a, b) => b.sessions - a.sessions)[0]!
  const orphaned = sessions.filter((s) => owners.get(s.id) === victim.pid).map((s) => s.id)
  await disconnectAll()
  const killedAt = now()
  process.kill(victim.pid, 'SIGKILL')
  const back = await Promise.all(
    orphaned.map(async (id) => {
      while (now() - killedAt < 30_000) {
        if (await postsOnce(url, id)) return now() - killedAt
        await sleep(100)
      }
      return NaN
    }),
  )
  log(`failover: ${orphaned.length} sessions of the killed node take notes again after ${back.map((b) => b.toFixed(0)).join(', ')} ms`)

  const report = {
    sessions: SESSIONS,
    phonesPerSession: PHONES,
    connected,
    sent: results.length,
    acked: acked.length,
    errors,
    onBoards: acked.filter((r) => seenAt.has(r.key)).length,
    ack,
    board,
    nodes: perNode.map((n, i) => ({ ...n, cpuPct: usage[i]!.cpuPct, cpuMs: usage[i]!.cpuMs, rssPeakMB: usage[i]!.rssPeak / 1e6 })),
    proxy: { cpuPct: proxy.cpuPct, rssPeakMB: proxy.rssPeak / 1e6 },
    busMessages: pub1 - pub0,
    busPerNote: (pub1 - pub0) / Math.max(1, acked.length),
    failoverMs: back,
  }
  const md = [
    `# Cluster bench (${new Date().toISOString()})`,
    '',
    `3 nodes + HAProxy + PostgreSQL + Redis on one machine (${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end); ${SESSIONS} sessions × ${PHONES} phones, one note each within ${WINDOW_MS / 1000} s, all sessions together.`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| phones connected | ${connected} / ${SESSIONS * PHONES} |`,
    `| notes acknowledged | ${acked.length} / ${results.length}${Object.keys(errors).length ? ` (${JSON.stringify(errors)})` : ''} |`,
    `| acknowledged notes on their board | ${report.onBoards} / ${acked.length} |`,
    `| ack p50 / p99 / max | ${ack.p50.toFixed(1)} / ${ack.p99.toFixed(1)} / ${ack.max.toFixed(1)} ms |`,
    `| board p50 / p99 / max | ${board.p50.toFixed(1)} / ${board.p99.toFixed(1)} / ${board.max.toFixed(1)} ms |`,
    ...report.nodes.map((n, i) => `| node ${i + 1} (${n.sessions} sessions) CPU / RSS peak | ${n.cpuPct.toFixed(0)}% of a core / ${n.rssPeakMB.toFixed(0)} MB |`),
    `| HAProxy CPU / RSS peak | ${proxy.cpuPct.toFixed(0)}% / ${report.proxy.rssPeakMB.toFixed(0)} MB |`,
    `| bus messages (Redis PUBLISH) per note | ${report.busPerNote.toFixed(2)} (${report.busMessages} in all) |`,
    `| failover: sessions of the killed node taking notes again | ${back.map((b) => `${(b / 1000).toFixed(1)} s`).join(', ')} |`,
    '',
  ].join('\n')
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true })
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'cluster.md'), md)
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'cluster.json'), JSON.stringify(report, null, 2))
  console.log('\n' + md)
} finally {
  await disconnectAll().catch(() => {})
  boards.forEach((b) => b.close())
  await Promise.all(workers.map((w) => w.close()))
  await cluster.stop()
}

async function disconnectAll(): Promise<void> {
  await Promise.all(workers.map((w) => w.request({ type: 'disconnect' }, 30_000)))
}
