/**
 * `npm run bench`: how the real kiosk holds up in a full room, against a bare Socket.io relay.
 *
 *   npm run bench                       # the full run (under 5 minutes on 2 cores)
 *   npm run bench -- --quick            # smaller rooms, to try it out (1–2 minutes)
 *   npm run bench -- --cluster          # 3 nodes behind HAProxy, 10 sessions × 300 phones, a node killed (bench/cluster.ts)
 *   npm run bench -- --profile          # also write a V8 CPU profile of the kiosk and summarise it
 *   npm run bench -- --durability=normal   # SQLite synchronous=NORMAL instead of FULL
 *   npm run bench -- --write-window=5      # the kiosk's write window in ms (KURUMAZA_WRITE_WINDOW_MS)
 *   npm run bench -- --only=burst,export   # any of: burst, relay, steady, vote, questions, surveys, export, bundles, stall, words
 *   npm run bench -- --dist=/tmp/client    # where the built client is (default dist/client)
 *   npm run bench -- --ref=HEAD            # bench the server of a commit (git archive to a temp dir)
 *   npm run bench -- --node-flags=--trace-gc,--x --kiosk-log=FILE   # more node flags for the kiosk; keep its output
 *   npm run bench -- --server-root=DIR     # bench the server of another checkout (e.g. a patched copy)
 *
 * The kiosk runs as its own process (server/main.ts, temp DATA_DIR, 127.0.0.1, port 0); phones
 * are socket.io-client sockets in two forked worker processes (bench/phones.ts); the board is a
 * y-websocket client in this process. Every loop is bounded in count and time, every connection
 * goes to 127.0.0.1. Writes bench/results/latest.{md,json}; exits non-zero only when the bench
 * itself breaks, never on a missed target.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import zlib from 'node:zlib'
import { io, type Socket } from 'socket.io-client'
import * as Y from 'yjs'
import type { SessionLinks } from '../shared/protocol.ts'
import { RelayBoard, YBoard, type Board, type BoardBytes } from './lib/boards.ts'
import type { ConnectResult, NoteResult, PhoneBytes, StatsResult } from './lib/ipc.ts'
import { BENCH_TOKEN, describeTree, PhoneWorker, ROOT, snapshotOf, startKiosk, startRelay, tempDataDir, type ServerProcess } from './lib/procs.ts'
import { summarizeProfile, type ProfileSummary } from './lib/profile.ts'
import { measureStalls, stallMarkdown, type StallResult } from './stall.ts'
import { questionsMarkdown, runQuestions, type QuestionsResult } from './questions.ts'
import { measureWords, wordsMarkdown, type WordsResult } from './words.ts'
import { cpuMs, fmt, MachineSampler, MB, memory, now, ProcSampler, sleep, summarize, within, type MachineUsage, type ProcUsage, type Summary } from './lib/util.ts'

// ---------------------------------------------------------------------------------------------
// options

const argv = process.argv.slice(2)
const flag = (name: string) => argv.includes(`--${name}`)
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)

// The conference on several nodes is a bench of its own (bench/cluster.ts): 3 nodes behind
// HAProxy with PostgreSQL and Redis, 10 sessions × 300 phones, a node killed.
if (flag('cluster')) {
  await import('./cluster.ts')
  process.exit(0)
}

const QUICK = flag('quick')
const PROFILE = flag('profile')
const DURABILITY = option('durability') === 'normal' ? 'normal' : 'full'
const WRITE_WINDOW = option('write-window')
const NODE_FLAGS = option('node-flags')?.split(',').filter(Boolean)
const KIOSK_LOG = option('kiosk-log')
const ONLY = new Set((option('only') ?? 'burst,relay,steady,vote,questions,surveys,export,bundles,stall,words').split(','))
const DIST = path.resolve(option('dist') ?? path.join(ROOT, 'dist', 'client'))
const KEEP = flag('keep')
const REF = option('ref')
const SERVER_ROOT_OPT = option('server-root')

const PLAN = QUICK
  ? { votes: [50, 200], bursts: [100, 200, 300], rounds: 1, burstWindowMs: 2_000, steadyPhones: 50, steadyNotes: 3, steadyMs: 10_000, exportNotes: 500 }
  : { votes: [200, 1000], bursts: [300, 500, 1000], rounds: 3, burstWindowMs: 2_000, steadyPhones: 200, steadyNotes: 3, steadyMs: 30_000, exportNotes: 2_000 }
/** The targets' rooms: 500 phones post within 3 s; the others within `burstWindowMs`. */
const burstWindow = (phones: number) => (phones === 500 && !QUICK ? 3_000 : PLAN.burstWindowMs)

const WORKERS = 2
/** a round during which processes outside the bench used more than this much of a core is marked noisy */
const NOISY_PCT = 25
const CONNECT_CONCURRENCY = 25 // per worker
const ACK_TIMEOUT_MS = 10_000
const RESULTS = path.join(ROOT, 'bench', 'results')

// ---------------------------------------------------------------------------------------------
// results

interface LoadResult {
  scenario: string
  target: 'kiosk' | 'relay'
  /** rounds run (fresh session and fresh phones each); latencies below pool all of them */
  rounds: number
  /** each round's p99s and the machine's state in it, to tell a noisy round from a slow server */
  perRound: Array<{
    ackP99: number
    boardP99: number
    serverCpuPct: number
    machine: MachineUsage
    /** this process (the board) and the other server, in % of one core */
    selfCpuPct: number
    otherServerCpuPct: number
    unaccountedPct: number
  }>
  phones: number
  connected: number
  connectMs: number
  sent: number
  acked: number
  refused: Record<string, number>
  ack: Summary
  board: Summary
  /** notes the board saw, of those acknowledged */
  boardSeen: number
  notesPerSec: number
  /** from the last note sent to the last ack, and to the board's last sighting */
  drainAckMs: number
  drainBoardMs: number
  server: ProcUsage
  /** server RSS before the phones connected, and once they all were */
  rssBefore: number
  rssConnected: number
  workersCpuPct: number[]
  machine: MachineUsage
  phoneBytes: { meanIn: number; maxIn: number; meanWireIn: number; meanOut: number; meanStates: number }
  boardBytes: BoardBytes & { perNote: number }
  facilitator?: {
    moderations: number
    moderationAck: Summary
    moderationBoard: Summary
    updates: number
    updateAck: Summary
    /** console → board: new groups and notes moved into them; undefined where grouping is not built */
    grouping?: { groups: number; groupBoard: Summary; moves: number; moveBoard: Summary }
  }
}

interface SurveyBenchResult {
  phones: number
  questions: number
  built: boolean
  detail?: string
  sent: number
  acked: number
  refused: Record<string, number>
  ack: Summary
  /** from the last acknowledgement to the board showing every acknowledged answer in its counts */
  boardAfterLastAckMs: number
  /** how often the board's counts changed during the window */
  boardUpdates: number
  /** bytes a phone received while the room answered (mean / max), and `survey:current` messages per phone */
  phoneBytesIn: { mean: number; max: number }
  surveyMessagesPerPhone: number
  surveyMessageBytes: number
  server: ProcUsage
}

interface VoteResult {
  scenario: string
  phones: number
  /** false when the server has no dot voting (vote:open not answered ok) */
  built: boolean
  detail?: string
  notes: number
  openAckMs: number
  /** vote:open emitted → each phone has its ballot */
  ballotFanout: Summary
  ballotsReceived: number
  ballotBytes: { mean: number; max: number; total: number }
  /** ballots each phone received from the open to the end of the casting window */
  ballotsPerPhone: number
  openServer: ProcUsage
  casts: number
  acked: number
  refused: Record<string, number>
  castAck: Summary
  /** vote:cast emitted → the board's count for that note reached it */
  castBoard: Summary
  castServer: ProcUsage
  /** other processes on the machine, % of one core, during the fan-out and the casting */
  unaccountedPct: number
  workersCpuPctFanout: number[]
}

interface ExportResult {
  notes: number
  acked: number
  fillMs: number
  json: { status: number; bytes: number; compactBytes: number; runsMs: number[]; first: number; median: number; max: number }
  md: { status: number; ms?: number; bytes?: number }
  csv: { status: number; ms?: number; bytes?: number }
  sqlite: { db: number; wal: number; shm: number; total: number }
  yjsStateBytes: number
  boardSyncMs: number
  boardSyncBytes: number
  restartMs: number
  boardSyncAfterRestartMs: number
  exportAfterRestartMs: number
  serverRssAfterRestart: number
  /** after the restart, before any session was loaded */
  serverRssIdle: number
  /** RSS growth for each further copy of the session imported and loaded (bytes) */
  rssPerLoadedSession: number[]
}

interface BundlePage {
  page: string
  files: Array<{ file: string; raw: number; gzip: number }>
  raw: number
  gzip: number
}

interface ServedPage {
  page: string
  status: number
  /** HTML and assets as the kiosk sent them (compressed or not) */
  bytes: number
  encodings: string[]
}

interface Target {
  name: string
  measured: string
  limit: string
  pass: boolean | undefined
}

const report = {
  startedAt: new Date().toISOString(),
  mode: QUICK ? 'quick' : 'full',
  machine: {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    tmpdir: os.tmpdir(),
  },
  durability: DURABILITY,
  server: '',
  clock: {
    source: 'performance.timeOrigin + performance.now() in every process (epoch ms, sub-microsecond resolution; timers fire within ~1 ms)',
    workerOffsetsMs: [] as number[],
    workerRttMs: [] as number[],
  },
  loads: [] as LoadResult[],
  votes: [] as VoteResult[],
  questions: [] as QuestionsResult[],
  export: undefined as ExportResult | undefined,
  /** the longest event-loop stall of each operation on a session at the note cap (bench/stall.ts) */
  stall: undefined as StallResult | undefined,
  words: undefined as WordsResult | undefined,
  surveys: undefined as SurveyBenchResult | undefined,
  bundles: undefined as { dir: string; built: boolean; pages: BundlePage[]; note: string; served?: ServedPage[] } | undefined,
  targets: [] as Target[],
  profile: undefined as ProfileSummary | undefined,
  /** % of one core the machine was busy during a second before the bench began */
  otherLoadAtStartPct: NaN,
  kioskTotals: undefined as { cpuMs: number; rssHwm: number } | undefined,
  notes: [] as string[],
  durationMs: 0,
}

const log = (msg: string) => process.stderr.write(`[bench ${((now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`)
const t0 = now()

// ---------------------------------------------------------------------------------------------
// helpers

async function createSession(url: string, title: string): Promise<SessionLinks> {
  const res = await within(
    fetch(`${url}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, prompt: 'ベンチマーク: 今日の気づきを一言' }),
    }),
    10_000,
    'create session',
  )
  if (res.status !== 201) throw new Error(`create session: ${res.status} ${await res.text()}`)
  return (await res.json()) as SessionLinks
}

const split = (n: number, parts: number) => Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0))

async function connectPhones(workers: PhoneWorker[], url: string, session: string, n: number, tag: string): Promise<ConnectResult> {
  const counts = split(n, workers.length)
  const rs = await Promise.all(
    workers.map((w, i) =>
      w.request<ConnectResult>({ type: 'connect', url, session, count: counts[i] ?? 0, prefix: `${tag}w${i}`, concurrency: CONNECT_CONCURRENCY }, 120_000),
    ),
  )
  const errors = rs.flatMap((r) => r.errors)
  const r = { connected: rs.reduce((a, r) => a + r.connected, 0), failed: rs.reduce((a, r) => a + r.failed, 0), errors, ms: Math.max(...rs.map((r) => r.ms)) }
  if (r.failed > 0) log(`  ${r.failed} phone(s) could not connect: ${errors.slice(0, 3).join('; ')}`)
  return r
}

async function disconnectPhones(workers: PhoneWorker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.request({ type: 'disconnect' }, 30_000)))
}

/** All phones post `perPhone` notes in a window that opens shortly; returns every result, in our clock. */
async function postAll(workers: PhoneWorker[], windowMs: number, perPhone: number, leadMs = 300): Promise<{ startAt: number; notes: NoteResult[] }> {
  const startAt = now() + leadMs
  const rs = await Promise.all(
    workers.map((w) =>
      w
        .request<NoteResult[]>({ type: 'post', startAt: startAt + w.clockOffsetMs, windowMs, perPhone, ackTimeoutMs: ACK_TIMEOUT_MS }, leadMs + windowMs + ACK_TIMEOUT_MS + 20_000)
        // into this process's clock
        .then((notes) => notes.map((n) => ({ ...n, sendAt: n.sendAt - w.clockOffsetMs, ackAt: n.ackAt === undefined ? undefined : n.ackAt - w.clockOffsetMs }))),
    ),
  )
  return { startAt, notes: rs.flat() }
}

async function phoneStats(workers: PhoneWorker[]): Promise<PhoneBytes[]> {
  const rs = await Promise.all(workers.map((w) => w.request<StatsResult>({ type: 'stats' }, 30_000)))
  return rs.flatMap((r) => r.phones)
}

function facilitatorSocket(url: string, session: string): Promise<Socket> {
  return within(
    new Promise<Socket>((resolve, reject) => {
      const s = io(url, { auth: { session, token: BENCH_TOKEN }, query: { session }, transports: ['websocket'], reconnection: false, forceNew: true })
      s.once('connect', () => resolve(s))
      s.once('connect_error', reject)
    }),
    10_000,
    'facilitator connect',
  )
}

const emitAck = <T>(s: Socket, event: string, payload: unknown): Promise<T> =>
  (s.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<T> }).emitWithAck(event, payload)

// ---------------------------------------------------------------------------------------------
// scenarios

interface LoadSpec {
  scenario: string
  target: 'kiosk' | 'relay'
  server: ServerProcess
  phones: number
  windowMs: number
  perPhone: number
  /** the steady scenario: a facilitator changes the board while phones post */
  facilitator?: boolean
}

/** One round's result, with its raw latencies so rounds can be pooled. */
interface Round extends LoadResult {
  ackLat: number[]
  boardLat: number[]
}

async function runLoad(spec: LoadSpec, workers: PhoneWorker[], round = 0): Promise<Round> {
  const { server } = spec
  const tag = `${spec.target === 'kiosk' ? 'k' : 'r'}${spec.scenario.replace(/[^a-z0-9]/gi, '')}r${round}`
  let board: Board
  let session = 'relay'
  let links: SessionLinks | undefined
  if (spec.target === 'kiosk') {
    links = await createSession(server.url, `bench ${spec.scenario}`)
    session = links.id
    board = await YBoard.open(server.url, session, links.boardUrl)
  } else {
    board = await RelayBoard.open(server.url)
  }
  let fac: Socket | undefined
  const closeLater: Array<() => void> = []
  try {
    const rssBefore = memory(server.pid)?.rss ?? NaN
    log(`${spec.scenario}${round ? ` (round ${round})` : ''} → ${spec.target}: connecting ${spec.phones} phones`)
    const conn = await connectPhones(workers, server.url, session, spec.phones, tag)
    let consoleDoc: YBoard | undefined
    let grouping: Grouping | undefined
    if (spec.facilitator && links) {
      fac = await facilitatorSocket(server.url, links.id)
      grouping = await loadGrouping()
      if (grouping) {
        consoleDoc = await YBoard.openConsole(server.url, links.id, BENCH_TOKEN)
        closeLater.push(() => consoleDoc?.close())
      }
    }
    // The kiosk publishes the phone count to boards at most once a second: let it settle.
    await sleep(1_200)
    const rssConnected = memory(server.pid)?.rss ?? NaN
    await waitQuiet()
    board.resetBytes()

    const serverUse = new ProcSampler(server.pid)
    const workerUse = workers.map((w) => new ProcSampler(w.pid, 200))
    const machineUse = new MachineSampler()
    const selfUse = new ProcSampler(process.pid, 1_000)
    const othersUse = otherServers.filter((x) => x !== server).map((x) => new ProcSampler(x.pid, 1_000))
    selfUse.start()
    othersUse.forEach((x) => x.start())
    machineUse.start()
    serverUse.start()
    workerUse.forEach((s) => s.start())
    log(`${spec.scenario} → ${spec.target}: ${conn.connected} phones post ${spec.perPhone} note(s) each within ${spec.windowMs / 1000} s`)

    const posting = postAll(workers, spec.windowMs, spec.perPhone)
    const facWork = fac && board instanceof YBoard ? facilitate(fac, board, spec.windowMs, consoleDoc, grouping) : undefined
    const { notes } = await posting
    const facResult = facWork ? await facWork : undefined
    const acked = notes.filter((n) => n.ok)
    const missing = await board.waitFor(
      acked.map((n) => n.key),
      10_000,
    )
    const serverUsage = serverUse.stop()
    const workersCpuPct = workerUse.map((s) => s.stop().cpuPct)
    const machine = machineUse.stop()
    const selfCpuPct = selfUse.stop().cpuPct
    const otherServerCpuPct = othersUse.reduce((a, x) => a + x.stop().cpuPct, 0)
    // what nothing of the bench's used, in % of one core
    const unaccountedPct = (machine.busyPct * report.machine.cpus) - serverUsage.cpuPct - workersCpuPct.reduce((a, b) => a + b, 0) - selfCpuPct - otherServerCpuPct
    const bb = board.bytes()
    const pb = await phoneStats(workers)
    if (missing > 0) log(`  the board never saw ${missing} acknowledged note(s)`)

    const refused: Record<string, number> = {}
    for (const n of notes) if (!n.ok) refused[n.error ?? '?'] = (refused[n.error ?? '?'] ?? 0) + 1
    const boardLat: number[] = []
    for (const n of notes) {
      const seen = board.seen.get(n.key)
      if (seen !== undefined) boardLat.push(seen - n.sendAt)
    }
    const firstSend = Math.min(...notes.map((n) => n.sendAt))
    const lastSend = Math.max(...notes.map((n) => n.sendAt))
    const lastAck = Math.max(...acked.map((n) => n.ackAt ?? 0))
    const lastSeen = Math.max(...[...board.seen.values()])
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)
    const ackLat = acked.map((n) => (n.ackAt as number) - n.sendAt)
    const ack = summarize(ackLat)
    const boardSummary = summarize(boardLat)
    const result: Round = {
      scenario: spec.scenario,
      target: spec.target,
      rounds: 1,
      perRound: [{ ackP99: ack.p99, boardP99: boardSummary.p99, serverCpuPct: serverUsage.cpuPct, machine, selfCpuPct, otherServerCpuPct, unaccountedPct }],
      ackLat,
      boardLat,
      phones: spec.phones,
      connected: conn.connected,
      connectMs: conn.ms,
      sent: notes.length,
      acked: acked.length,
      refused,
      ack,
      board: boardSummary,
      boardSeen: acked.filter((n) => board.seen.has(n.key)).length,
      notesPerSec: acked.length / (Math.max(lastAck, firstSend + 1) - firstSend) * 1000,
      drainAckMs: lastAck - lastSend,
      drainBoardMs: lastSeen - lastSend,
      server: serverUsage,
      rssBefore,
      rssConnected,
      workersCpuPct,
      machine,
      phoneBytes: {
        meanIn: mean(pb.map((p) => p.payloadIn)),
        maxIn: Math.max(0, ...pb.map((p) => p.payloadIn)),
        meanWireIn: mean(pb.map((p) => p.wireIn)),
        meanOut: mean(pb.map((p) => p.payloadOut)),
        meanStates: mean(pb.map((p) => p.states)),
      },
      boardBytes: { ...bb, perNote: acked.length ? bb.payload / acked.length : 0 },
      facilitator: facResult,
    }
    log(
      `  acked ${result.acked}/${result.sent}; ack p99 ${fmt.ms(result.ack.p99)} ms, board p99 ${fmt.ms(result.board.p99)} ms; server CPU ${serverUsage.cpuPct.toFixed(0)}%, RSS peak ${fmt.mb(serverUsage.rssPeak)} MB; machine busy ${machine.busyPct.toFixed(0)}% (board ${selfCpuPct.toFixed(0)}%, other server ${otherServerCpuPct.toFixed(0)}%, not the bench ${unaccountedPct.toFixed(0)}% of a core), steal ${machine.stealPct.toFixed(1)}%`,
    )
    return result
  } finally {
    fac?.close()
    for (const c of closeLater) c()
    await disconnectPhones(workers)
    board.close()
    await sleep(300)
  }
}

/** every process of the bench: this one, the servers, the phone workers */
let benchPids: () => number[] = () => [process.pid]

/**
 * Wait (at most `maxMs`) until processes outside the bench use less than NOISY_PCT of a core, so
 * a round does not measure someone else's test suite. Returns what they used in the last look.
 */
let quietBudgetMs = 30_000 // over the whole run, so a busy machine cannot stretch it past 5 minutes

async function waitQuiet(maxMs = 15_000): Promise<number> {
  const t0 = now()
  maxMs = Math.min(maxMs, quietBudgetMs)
  let other = 0
  for (;;) {
    const m = new MachineSampler()
    const ours = benchPids().map((pid) => new ProcSampler(pid, 10_000))
    ours.forEach((x) => x.start())
    m.start()
    await sleep(500)
    other = m.stop().busyPct * report.machine.cpus - ours.reduce((a, x) => a + x.stop().cpuPct, 0)
    if (other < NOISY_PCT || now() - t0 > maxMs) break
  }
  const waited = now() - t0 - 500
  quietBudgetMs = Math.max(0, quietBudgetMs - waited)
  if (waited > 100) log(`  waited ${(waited / 1000).toFixed(1)} s for the machine to quieten (others now at ${other.toFixed(0)}% of a core)`)
  return other
}

/** Pool rounds of one scenario on one server into one result. */
function pool(rounds: Round[]): LoadResult {
  const first = rounds[0]
  if (!first) throw new Error('no rounds to pool')
  const sum = (f: (r: Round) => number) => rounds.reduce((a, r) => a + f(r), 0)
  const mean = (f: (r: Round) => number) => sum(f) / rounds.length
  const max = (f: (r: Round) => number) => Math.max(...rounds.map(f))
  const refused: Record<string, number> = {}
  for (const r of rounds) for (const [k, v] of Object.entries(r.refused)) refused[k] = (refused[k] ?? 0) + v
  const acked = sum((r) => r.acked)
  const payload = sum((r) => r.boardBytes.payload)
  return {
    scenario: first.scenario,
    target: first.target,
    rounds: rounds.length,
    perRound: rounds.flatMap((r) => r.perRound),
    phones: first.phones,
    connected: Math.min(...rounds.map((r) => r.connected)),
    connectMs: mean((r) => r.connectMs),
    sent: sum((r) => r.sent),
    acked,
    refused,
    ack: summarize(rounds.flatMap((r) => r.ackLat)),
    board: summarize(rounds.flatMap((r) => r.boardLat)),
    boardSeen: sum((r) => r.boardSeen),
    notesPerSec: mean((r) => r.notesPerSec),
    drainAckMs: max((r) => r.drainAckMs),
    drainBoardMs: max((r) => r.drainBoardMs),
    server: {
      cpuMs: sum((r) => r.server.cpuMs),
      wallMs: sum((r) => r.server.wallMs),
      cpuPct: (100 * sum((r) => r.server.cpuMs)) / Math.max(1, sum((r) => r.server.wallMs)),
      rssPeak: max((r) => r.server.rssPeak),
      rssEnd: rounds[rounds.length - 1]?.server.rssEnd ?? NaN,
    },
    rssBefore: Math.min(...rounds.map((r) => r.rssBefore)),
    rssConnected: max((r) => r.rssConnected),
    workersCpuPct: first.workersCpuPct.map((_, i) => mean((r) => r.workersCpuPct[i] ?? 0)),
    machine: { busyPct: mean((r) => r.machine.busyPct), stealPct: mean((r) => r.machine.stealPct), iowaitPct: mean((r) => r.machine.iowaitPct) },
    phoneBytes: {
      meanIn: mean((r) => r.phoneBytes.meanIn),
      maxIn: max((r) => r.phoneBytes.maxIn),
      meanWireIn: mean((r) => r.phoneBytes.meanWireIn),
      meanOut: mean((r) => r.phoneBytes.meanOut),
      meanStates: mean((r) => r.phoneBytes.meanStates),
    },
    boardBytes: { payload, wire: sum((r) => r.boardBytes.wire), messages: sum((r) => r.boardBytes.messages), perNote: acked ? payload / acked : 0 },
    facilitator: first.facilitator,
  }
}

type Grouping = { createGroup(doc: Y.Doc, id: string, name: string): boolean; moveNote(doc: Y.Doc, noteId: string, groupId: string | null): boolean }

/** shared/grouping.ts, where the project has it (the console writes grouping into the Y.Doc itself). */
async function loadGrouping(): Promise<Grouping | undefined> {
  try {
    const m = (await import('../shared/grouping.ts')) as Partial<Grouping>
    return typeof m.createGroup === 'function' && typeof m.moveNote === 'function' ? (m as Grouping) : undefined
  } catch {
    return undefined
  }
}

/**
 * The facilitator during the steady scenario, one step every 500 ms for the window's length:
 * every 10th step changes the prompt (pushed to every phone); where grouping exists, the console
 * (a read-write y-websocket client, as the real console) makes a group every 10 steps and moves
 * a random note into a group every other step; the remaining steps hide a note or show one
 * hidden before (Socket.io `note:moderate`).
 */
async function facilitate(fac: Socket, board: YBoard, windowMs: number, consoleDoc?: YBoard, grouping?: Grouping): Promise<NonNullable<LoadResult['facilitator']>> {
  const modAck: number[] = []
  const modBoard: number[] = []
  const updAck: number[] = []
  const hidden: string[] = []
  const groups: string[] = []
  const pendingMods: Array<{ id: string; at: number }> = []
  const moves: Array<{ id: string; at: number }> = []
  const made: Array<{ id: string; at: number }> = []
  const steps = Math.floor(windowMs / 500)
  await sleep(300)
  for (let i = 0; i < steps; i++) {
    await sleep(500)
    if (i % 10 === 9) {
      const t = now()
      const r = await emitAck<{ ok: boolean }>(fac, 'session:update', { prompt: `ベンチマーク: 今日の気づきを一言 (${i})` })
      if (r.ok) updAck.push(now() - t)
    }
    const visible = board.noteIds().filter((x) => !hidden.includes(x))
    if (consoleDoc && grouping && i % 10 === 4) {
      const id = `g${i}`
      const t = now()
      if (grouping.createGroup(consoleDoc.doc, id, `グループ ${groups.length + 1}`)) {
        groups.push(id)
        made.push({ id, at: t })
      }
      continue
    }
    if (consoleDoc && grouping && groups.length > 0 && i % 2 === 0 && visible.length > 0) {
      const id = visible[Math.floor(Math.random() * visible.length)] as string
      const t = now()
      if (grouping.moveNote(consoleDoc.doc, id, groups[Math.floor(Math.random() * groups.length)] ?? null)) moves.push({ id, at: t })
      continue
    }
    // Hide a random note, or show one hidden before: the board sees the note change (or, where
    // it gets a projection without hidden notes, leave and come back).
    let id: string | undefined
    let action: 'hide' | 'show'
    if (hidden.length > 0 && i % 3 === 1) {
      id = hidden.shift()
      action = 'show'
    } else {
      id = visible[Math.floor(Math.random() * visible.length)]
      action = 'hide'
    }
    if (id === undefined) continue
    const t = now()
    const r = await emitAck<{ ok: boolean }>(fac, 'note:moderate', { noteId: id, action })
    if (!r.ok) continue
    modAck.push(now() - t)
    if (action === 'hide') hidden.push(id)
    pendingMods.push({ id, at: t })
  }
  await sleep(500)
  const firstTouch = (id: string, at: number) => board.touched.get(id)?.find((x) => x >= at)
  for (const m of pendingMods) {
    const seen = firstTouch(m.id, m.at)
    if (seen !== undefined) modBoard.push(seen - m.at)
  }
  const moveBoard: number[] = []
  for (const m of moves) {
    const seen = firstTouch(m.id, m.at)
    if (seen !== undefined) moveBoard.push(seen - m.at)
  }
  const groupBoard: number[] = []
  for (const g of made) {
    const seen = board.groupsSeen.get(g.id)
    if (seen !== undefined) groupBoard.push(seen - g.at)
  }
  return {
    moderations: modAck.length,
    moderationAck: summarize(modAck),
    moderationBoard: summarize(modBoard),
    updates: updAck.length,
    updateAck: summarize(updAck),
    grouping: grouping && consoleDoc ? { groups: made.length, groupBoard: summarize(groupBoard), moves: moves.length, moveBoard: summarize(moveBoard) } : undefined,
  }
}

/**
 * Dot voting, where the server has it: N phones post a note each, the facilitator opens a vote
 * (3 dots a phone, 1 a note, counts live on the board), every phone waits for its ballot, then
 * places its 3 dots at random moments in 10 s.
 */
async function runVote(n: number, kiosk: ServerProcess, workers: PhoneWorker[]): Promise<VoteResult> {
  const scenario = `vote ${n}`
  const links = await createSession(kiosk.url, `bench ${scenario}`)
  const board = await YBoard.open(kiosk.url, links.id, links.boardUrl)
  let fac: Socket | undefined
  const empty = summarize([])
  const zeroUse: ProcUsage = { cpuMs: 0, cpuPct: 0, wallMs: 0, rssPeak: NaN, rssEnd: NaN }
  const result: VoteResult = {
    scenario, phones: n, built: false, notes: 0, openAckMs: NaN, ballotFanout: empty, ballotsReceived: 0, ballotBytes: { mean: NaN, max: NaN, total: NaN },
    ballotsPerPhone: NaN, openServer: zeroUse, casts: 0, acked: 0, refused: {}, castAck: empty, castBoard: empty, castServer: zeroUse,
    unaccountedPct: NaN, workersCpuPctFanout: [],
  }
  const machineUse = new MachineSampler()
  const benchUse = [kiosk.pid, process.pid, ...workers.map((w) => w.pid), ...otherServers.filter((x) => x !== kiosk).map((x) => x.pid)].map((pid) => new ProcSampler(pid, 1_000))
  try {
    log(`${scenario}: connecting ${n} phones, one note each`)
    await connectPhones(workers, kiosk.url, links.id, n, `v${n}`)
    fac = await facilitatorSocket(kiosk.url, links.id)
    const { notes } = await postAll(workers, 2_000, 1)
    await board.waitFor(
      notes.filter((x) => x.ok).map((x) => x.key),
      10_000,
    )
    result.notes = board.noteIds().length
    await sleep(1_200)

    await Promise.all(workers.map((w) => w.request({ type: 'resetBallots' }, 10_000)))
    await waitQuiet()
    const openUse = new ProcSampler(kiosk.pid)
    const fanoutWorkers = workers.map((w) => new ProcSampler(w.pid, 1_000))
    machineUse.start()
    benchUse.forEach((x) => x.start())
    fanoutWorkers.forEach((x) => x.start())
    openUse.start()
    const tOpen = now()
    let opened: { ok: boolean; error?: string }
    try {
      opened = await (fac.timeout(30_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<{ ok: boolean; error?: string }> }).emitWithAck('vote:open', { perPhone: 3, maxPerNote: 1, showLive: true })
    } catch {
      opened = { ok: false, error: 'nothing within 30 s (no such event, or the server is stuck)' }
    }
    result.openAckMs = now() - tOpen
    if (!opened.ok) {
      openUse.stop()
      result.detail = `vote:open answered ${opened.error ?? 'not ok'} after ${fmt.int(result.openAckMs)} ms: dot voting not built yet, or broken`
      log(`${scenario}: ${result.detail}`)
      return result
    }
    result.built = true
    log(`${scenario}: vote open; waiting for ${n} ballots`)
    type Seen = { at?: number; bytes: number; notes: number; count: number; totalBytes: number }
    const collect = async () =>
      (await Promise.all(workers.map((w) => w.request<Seen[]>({ type: 'ballots' }, 30_000).then((b) => b.map((x) => ({ ...x, at: x.at === undefined ? undefined : x.at - w.clockOffsetMs })))))).flat()
    let seen = await collect()
    for (let i = 0; i < 300 && seen.some((x) => x.at === undefined); i++) {
      await sleep(100)
      seen = await collect()
    }
    result.openServer = openUse.stop()
    result.workersCpuPctFanout = fanoutWorkers.map((x) => x.stop().cpuPct)
    const got = seen.filter((x) => x.at !== undefined)
    result.ballotsReceived = got.length
    result.ballotFanout = summarize(got.map((x) => (x.at as number) - tOpen))
    result.ballotBytes = {
      mean: got.reduce((a, x) => a + x.bytes, 0) / Math.max(1, got.length),
      max: Math.max(0, ...got.map((x) => x.bytes)),
      total: got.reduce((a, x) => a + x.bytes, 0),
    }
    log(`${scenario}: ${got.length}/${n} ballots, last after ${fmt.ms(result.ballotFanout.max)} ms, ${fmt.kb(result.ballotBytes.mean)} KB each; casting 3 dots a phone within 10 s`)

    const castUse = new ProcSampler(kiosk.pid)
    castUse.start()
    const startAt = now() + 300
    const casts = (
      await Promise.all(
        workers.map((w) =>
          w
            .request<NoteResult[]>({ type: 'vote', startAt: startAt + w.clockOffsetMs, windowMs: 10_000, dots: 3, ackTimeoutMs: ACK_TIMEOUT_MS }, 10_000 + ACK_TIMEOUT_MS + 30_000)
            .then((rs) => rs.map((r) => ({ ...r, sendAt: r.sendAt - w.clockOffsetMs, ackAt: r.ackAt === undefined ? undefined : r.ackAt - w.clockOffsetMs }))),
        ),
      )
    ).flat()
    const acked = casts.filter((c) => c.ok)
    // The k-th acknowledged dot on a note is on the board once the note's count reaches k.
    const byNote = new Map<string, NoteResult[]>()
    for (const c of acked) byNote.set(c.key, [...(byNote.get(c.key) ?? []), c])
    const total = acked.length
    for (let i = 0; i < 100; i++) {
      let onBoard = 0
      board.doc.getMap<number>('votes').forEach((v) => (onBoard += v))
      if (onBoard >= total) break
      await sleep(100)
    }
    result.castServer = castUse.stop()
    const machine = machineUse.stop()
    result.unaccountedPct = machine.busyPct * report.machine.cpus - benchUse.reduce((a, x) => a + x.stop().cpuPct, 0)
    const castBoard: number[] = []
    for (const [noteId, list] of byNote) {
      list.sort((a, b) => (a.ackAt as number) - (b.ackAt as number))
      const counts = board.votesSeen.get(noteId) ?? []
      list.forEach((c, i) => {
        const hit = counts.find(([count]) => count >= i + 1)
        if (hit) castBoard.push(hit[1] - c.sendAt)
      })
    }
    for (const c of casts) if (!c.ok) result.refused[c.error ?? '?'] = (result.refused[c.error ?? '?'] ?? 0) + 1
    result.casts = casts.length
    result.acked = acked.length
    result.castAck = summarize(acked.map((c) => (c.ackAt as number) - c.sendAt))
    result.castBoard = summarize(castBoard)
    const after = await collect()
    result.ballotsPerPhone = after.reduce((a, x) => a + x.count, 0) / Math.max(1, after.length)
    log(`${scenario}: ${result.acked}/${result.casts} dots acknowledged; ack p99 ${fmt.ms(result.castAck.p99)} ms, board p99 ${fmt.ms(result.castBoard.p99)} ms; server CPU ${result.castServer.cpuPct.toFixed(0)}%; not the bench ${result.unaccountedPct.toFixed(0)}% of a core`)
    await emitAck(fac, 'vote:close', {}).catch(() => undefined)
    return result
  } finally {
    fac?.close()
    await disconnectPhones(workers)
    board.close()
    await sleep(300)
  }
}

/** The surveys scenario's questions: one of each kind, as a 事前 survey has them. */
const BENCH_SURVEY = [
  { kind: 'choice', text: 'DXが進まないと感じる一番の要因', options: ['人材', '予算', '前例主義', 'システム'] },
  { kind: 'multi', text: '当てはまるもの', options: ['紙の決裁', '縦割り', '研修不足'] },
  { kind: 'scale', text: 'DXの必要性を感じる', minLabel: '感じない', maxLabel: '強く感じる' },
  { kind: 'scale', text: '自分の課で進められる', min: 0, max: 10 },
  { kind: 'text', text: '一言' },
]

/**
 * Surveys: N phones answer a 5-question survey (a live round, the survey the current activity)
 * at random moments in 10 s. Measures every answer's acknowledgement (stored before it), the
 * board's counts catching up after the last one, and what each phone receives meanwhile (the
 * survey once on connect; nothing per answer).
 */
async function runSurveys(n: number, kiosk: ServerProcess, workers: PhoneWorker[]): Promise<SurveyBenchResult> {
  const links = await createSession(kiosk.url, `bench surveys ${n}`)
  const board = await YBoard.open(kiosk.url, links.id, links.boardUrl)
  const empty = summarize([])
  const result: SurveyBenchResult = {
    phones: n, questions: BENCH_SURVEY.length, built: false, sent: 0, acked: 0, refused: {}, ack: empty, boardAfterLastAckMs: NaN, boardUpdates: 0,
    phoneBytesIn: { mean: NaN, max: NaN }, surveyMessagesPerPhone: NaN, surveyMessageBytes: NaN, server: { cpuMs: 0, cpuPct: 0, wallMs: 0, rssPeak: NaN, rssEnd: NaN },
  }
  let fac: Socket | undefined
  try {
    fac = await facilitatorSocket(kiosk.url, links.id)
    const created = await emitAck<{ ok: boolean; surveyId?: string; error?: string }>(fac, 'survey:create', { title: 'ベンチ 事前アンケート', questions: BENCH_SURVEY }).catch(() => ({ ok: false, error: 'no answer' }) as { ok: boolean; surveyId?: string; error?: string })
    if (!created.ok || !created.surveyId) {
      result.detail = `survey:create answered ${created.error ?? 'not ok'}: surveys not built yet, or broken`
      return result
    }
    const surveyId = created.surveyId
    const opened = await emitAck<{ ok: boolean; round?: number }>(fac, 'survey:open', { surveyId, label: '事前', live: true })
    await emitAck(fac, 'agenda:current', { activityId: `survey:${surveyId}` })
    if (!opened.ok || !opened.round) throw new Error('survey:open failed')
    result.built = true
    const key = `${surveyId}:${opened.round}`
    const seen: Array<[number, number]> = []
    const counts = board.doc.getMap<{ responses: number }>('surveyResults')
    counts.observe(() => {
      const r = counts.get(key)
      if (r) seen.push([r.responses, now()])
    })
    log(`surveys ${n}: connecting ${n} phones`)
    await connectPhones(workers, kiosk.url, links.id, n, `s${n}`)
    await sleep(1_200)
    const before = await phoneStats(workers)
    await waitQuiet()
    const use = new ProcSampler(kiosk.pid)
    use.start()
    const startAt = now() + 300
    log(`surveys ${n}: every phone answers ${BENCH_SURVEY.length} questions within 10 s`)
    const answers = (
      await Promise.all(
        workers.map((w) =>
          w
            .request<NoteResult[]>({ type: 'survey', startAt: startAt + w.clockOffsetMs, windowMs: 10_000, surveyId, round: opened.round!, ackTimeoutMs: ACK_TIMEOUT_MS }, 10_000 + ACK_TIMEOUT_MS + 30_000)
            .then((rs) => rs.map((r) => ({ ...r, sendAt: r.sendAt - w.clockOffsetMs, ackAt: r.ackAt === undefined ? undefined : r.ackAt - w.clockOffsetMs }))),
        ),
      )
    ).flat()
    const acked = answers.filter((a) => a.ok)
    const lastAck = Math.max(...acked.map((a) => a.ackAt as number))
    for (let i = 0; i < 100 && !seen.some(([r]) => r >= acked.length); i++) await sleep(50)
    result.server = use.stop()
    const hit = seen.find(([r]) => r >= acked.length)
    result.boardAfterLastAckMs = hit ? hit[1] - lastAck : NaN
    result.boardUpdates = seen.filter(([, t]) => t >= startAt).length
    for (const a of answers) if (!a.ok) result.refused[a.error ?? '?'] = (result.refused[a.error ?? '?'] ?? 0) + 1
    result.sent = answers.length
    result.acked = acked.length
    result.ack = summarize(acked.map((a) => (a.ackAt as number) - a.sendAt))
    const after = await phoneStats(workers)
    const inBytes = after.map((p, i) => p.payloadIn - (before[i]?.payloadIn ?? 0))
    result.phoneBytesIn = { mean: inBytes.reduce((a, b) => a + b, 0) / Math.max(1, inBytes.length), max: Math.max(0, ...inBytes) }
    result.surveyMessagesPerPhone = after.reduce((a, p) => a + (p.surveys ?? 0), 0) / Math.max(1, after.length)
    result.surveyMessageBytes = after.reduce((a, p) => a + (p.surveyBytes ?? 0), 0) / Math.max(1, after.reduce((a, p) => a + (p.surveys ?? 0), 0))
    log(
      `surveys ${n}: ${result.acked}/${result.sent} answers acknowledged; ack p99 ${fmt.ms(result.ack.p99)} ms; board counts ${fmt.ms(result.boardAfterLastAckMs)} ms after the last ack (${result.boardUpdates} board updates); a phone received ${fmt.int(result.phoneBytesIn.mean)} B while answering, ${result.surveyMessagesPerPhone.toFixed(2)} survey message(s) of ${fmt.int(result.surveyMessageBytes)} B`,
    )
    return result
  } finally {
    fac?.close()
    await disconnectPhones(workers)
    board.close()
    await sleep(300)
  }
}

async function timedGet(url: string): Promise<{ status: number; ms: number; body: string }> {
  const t = now()
  const res = await within(fetch(url, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } }), 30_000, `GET ${url}`)
  const body = await res.text()
  return { status: res.status, ms: now() - t, body }
}

async function runExport(workers: PhoneWorker[]): Promise<ExportResult> {
  const dataDir = tempDataDir()
  let kiosk = await startKiosk({ root: serverRoot, dataDir, durability: DURABILITY, writeWindowMs: WRITE_WINDOW, nodeFlags: NODE_FLAGS, logFile: KIOSK_LOG })
  try {
    const links = await createSession(kiosk.url, 'bench export')
    // Five notes a phone: within a phone's burst of six, as several people in a room would post.
    const perPhone = 5
    const phones = Math.ceil(PLAN.exportNotes / perPhone)
    log(`export: filling a session with ${phones * perPhone} notes from ${phones} phones`)
    await connectPhones(workers, kiosk.url, links.id, phones, 'x')
    const tFill = now()
    const { notes } = await postAll(workers, 6_000, perPhone)
    const fillMs = now() - tFill
    await disconnectPhones(workers)
    const acked = notes.filter((n) => n.ok).length

    const board = await YBoard.open(kiosk.url, links.id, links.boardUrl)
    const boardSyncMs = board.syncMs
    const boardSyncBytes = board.bytes().payload
    const yjsStateBytes = Y.encodeStateAsUpdate(board.doc).byteLength
    board.close()

    const base = `${kiosk.url}/api/sessions/${links.id}/export`
    const runs: number[] = []
    let json = { status: 0, ms: 0, body: '' }
    for (let i = 0; i < 5; i++) {
      json = await timedGet(`${base}?format=json`)
      runs.push(json.ms)
    }
    const other = async (format: string) => {
      const r = await timedGet(`${base}?format=${format}`)
      return r.status === 200 ? { status: r.status, ms: r.ms, bytes: Buffer.byteLength(r.body) } : { status: r.status }
    }
    const md = await other('md')
    const csv = await other('csv')
    let compactBytes = 0
    try {
      compactBytes = Buffer.byteLength(JSON.stringify(JSON.parse(json.body)))
    } catch {
      /* not JSON: reported as 0 */
    }
    const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0)
    const dbFile = path.join(dataDir, 'kurumaza.sqlite')
    const sqlite = { db: size(dbFile), wal: size(`${dbFile}-wal`), shm: size(`${dbFile}-shm`), total: 0 }
    sqlite.total = sqlite.db + sqlite.wal

    log('export: restarting the kiosk to time a board loading the session from SQLite')
    await kiosk.stop()
    const tRestart = now()
    kiosk = await startKiosk({ root: serverRoot, dataDir, durability: DURABILITY, writeWindowMs: WRITE_WINDOW, nodeFlags: NODE_FLAGS, logFile: KIOSK_LOG })
    const restartMs = now() - tRestart
    await sleep(500)
    const serverRssIdle = memory(kiosk.pid)?.rss ?? NaN
    const cold = await YBoard.open(kiosk.url, links.id, links.boardUrl)
    const boardSyncAfterRestartMs = cold.syncMs
    cold.close()
    const afterRestart = await timedGet(`${kiosk.url}/api/sessions/${links.id}/export?format=json`)
    const serverRssAfterRestart = memory(kiosk.pid)?.rss ?? NaN

    // Sessions stay in memory once loaded: what does each more one cost? Import the record back
    // (where the server can) a few times and open a board on each copy.
    const perSession: number[] = []
    const exported = await timedGet(`${kiosk.url}/api/sessions/${links.id}/export?format=json&includeHidden=true`)
    for (let i = 0; i < 4 && exported.status === 200; i++) {
      const before = memory(kiosk.pid)?.rss ?? NaN
      const res = await within(
        fetch(`${kiosk.url}/api/sessions/import`, { method: 'POST', headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' }, body: exported.body }),
        30_000,
        'import',
      )
      if (res.status !== 201) {
        log(`export: import answered ${res.status}; not measuring memory per session`)
        break
      }
      const copy = (await res.json()) as SessionLinks
      const b = await YBoard.open(kiosk.url, copy.id, copy.boardUrl)
      b.close()
      await sleep(300)
      perSession.push((memory(kiosk.pid)?.rss ?? NaN) - before)
    }

    const sorted = [...runs].sort((a, b) => a - b)
    return {
      notes: phones * perPhone,
      acked,
      fillMs,
      json: {
        status: json.status,
        bytes: Buffer.byteLength(json.body),
        compactBytes,
        runsMs: runs,
        first: runs[0] ?? NaN,
        median: sorted[Math.floor(sorted.length / 2)] ?? NaN,
        max: sorted[sorted.length - 1] ?? NaN,
      },
      md,
      csv,
      sqlite,
      yjsStateBytes,
      boardSyncMs,
      boardSyncBytes,
      restartMs,
      boardSyncAfterRestartMs,
      exportAfterRestartMs: afterRestart.ms,
      serverRssAfterRestart,
      serverRssIdle,
      rssPerLoadedSession: perSession,
    }
  } finally {
    await kiosk.stop()
    fs.writeFileSync(path.join(RESULTS, 'kiosk-export.log'), kiosk.output())
    if (!KEEP) fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

/** GET a path from the kiosk as a phone's browser would (accepting gzip and br): bytes on the wire. */
function getRaw(url: string): Promise<{ status: number; bytes: number; encoding: string; body: Buffer }> {
  return within(
    new Promise((resolve, reject) => {
      const req = http.get(url, { headers: { 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({ status: res.statusCode ?? 0, bytes: body.byteLength, encoding: String(res.headers['content-encoding'] ?? 'none'), body })
        })
        res.on('error', reject)
      })
      req.on('error', reject)
    }),
    10_000,
    `GET ${url}`,
  )
}

/** What the kiosk actually sends a browser for each screen: the page and the assets it loads. */
async function measureServed(url: string): Promise<ServedPage[]> {
  const links = await createSession(url, 'bench pages')
  const pages: Array<[string, string]> = [['phone', `/j/${links.id}`], ['board', `/b/${links.id}`], ['console', `/f/${links.id}`]]
  const out: ServedPage[] = []
  for (const [page, route] of pages) {
    const html = await getRaw(`${url}${route}`)
    if (html.status !== 200) {
      out.push({ page, status: html.status, bytes: 0, encodings: [] })
      continue
    }
    const text = html.encoding === 'none' ? html.body.toString('utf8') : zlib.unzipSync(html.body).toString('utf8')
    const refs = new Set<string>()
    for (const m of text.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) if (m[1]) refs.add(m[1])
    for (const m of text.matchAll(/<link\b[^>]*>/g)) {
      const rel = /\brel="([^"]+)"/.exec(m[0])?.[1] ?? ''
      const href = /\bhref="([^"]+)"/.exec(m[0])?.[1]
      if (href && /stylesheet|modulepreload/.test(rel)) refs.add(href)
    }
    let bytes = html.bytes
    const encodings = new Set([html.encoding])
    for (const ref of refs) {
      if (/^(https?:)?\/\//.test(ref)) continue
      const r = await getRaw(`${url}${ref.startsWith('/') ? '' : '/'}${ref}`)
      bytes += r.bytes
      encodings.add(r.encoding)
    }
    out.push({ page, status: 200, bytes, encodings: [...encodings] })
  }
  return out
}

function measureBundles(): NonNullable<typeof report.bundles> {
  const note = 'gzip -9 of each file (zlib); the kiosk itself serves them uncompressed (no compression middleware)'
  if (!fs.existsSync(path.join(DIST, 'phone.html'))) return { dir: DIST, built: false, pages: [], note }
  const pages: BundlePage[] = []
  for (const page of ['phone', 'board', 'console']) {
    const htmlFile = path.join(DIST, `${page}.html`)
    if (!fs.existsSync(htmlFile)) continue
    const html = fs.readFileSync(htmlFile, 'utf8')
    const refs = new Set<string>()
    for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) if (m[1]) refs.add(m[1])
    for (const m of html.matchAll(/<link\b[^>]*>/g)) {
      const tag = m[0]
      const rel = /\brel="([^"]+)"/.exec(tag)?.[1] ?? ''
      const href = /\bhref="([^"]+)"/.exec(tag)?.[1]
      if (href && /stylesheet|modulepreload/.test(rel)) refs.add(href)
    }
    const files = [`${page}.html`, ...[...refs].filter((r) => !/^(https?:)?\/\//.test(r)).map((r) => r.replace(/^\//, ''))]
    const rows = files
      .filter((f) => fs.existsSync(path.join(DIST, f)))
      .map((f) => {
        const buf = fs.readFileSync(path.join(DIST, f))
        return { file: f, raw: buf.byteLength, gzip: zlib.gzipSync(buf, { level: 9 }).byteLength }
      })
    pages.push({ page, files: rows, raw: rows.reduce((a, r) => a + r.raw, 0), gzip: rows.reduce((a, r) => a + r.gzip, 0) })
  }
  return { dir: DIST, built: true, pages, note }
}

// ---------------------------------------------------------------------------------------------
// targets and output

function evaluateTargets(): Target[] {
  const find = (target: string, phones: number) => report.loads.find((l) => l.scenario === `burst ${phones}` && l.target === target)
  const out: Target[] = []
  const k500 = find('kiosk', 500)
  const r500 = find('relay', 500)
  const k1000 = find('kiosk', 1000)
  const notRun = (name: string, limit: string) => out.push({ name, measured: 'not run', limit, pass: undefined })
  const noise = (...ls: Array<LoadResult | undefined>) => {
    const rs = ls.flatMap((l) => l?.perRound ?? [])
    const n = rs.filter((r) => r.unaccountedPct > NOISY_PCT).length
    return n ? ` (${n}/${rs.length} rounds noisy*)` : ''
  }
  const r1000 = find('relay', 1000)
  // Targets of issue 11: the kiosk within a small multiple of a bare relay, and absolute bounds.
  const burstTargets = (k: LoadResult | undefined, r: LoadResult | undefined, name: string, t: { ratio: number; board: number; ack: number }) => {
    if (!k) {
      notRun(`${name}: board p99`, `≤ ${t.board} ms`)
      notRun(`${name}: board p99 vs bare relay`, `≤ ${t.ratio}×`)
      notRun(`${name}: ack p99`, `≤ ${t.ack} ms`)
      return
    }
    out.push({ name: `${name}: board p99`, measured: `${fmt.ms(k.board.p99)} ms${noise(k)}`, limit: `≤ ${t.board} ms`, pass: k.board.p99 <= t.board })
    if (r) {
      const ratio = k.board.p99 / r.board.p99
      out.push({ name: `${name}: board p99 vs bare relay`, measured: `${ratio.toFixed(1)}× (${fmt.ms(k.board.p99)} / ${fmt.ms(r.board.p99)} ms)${noise(k, r)}`, limit: `≤ ${t.ratio}×`, pass: ratio <= t.ratio })
    } else notRun(`${name}: board p99 vs bare relay`, `≤ ${t.ratio}×`)
    out.push({ name: `${name}: ack p99`, measured: `${fmt.ms(k.ack.p99)} ms${noise(k)}`, limit: `≤ ${t.ack} ms`, pass: k.ack.p99 <= t.ack })
  }
  burstTargets(k500, r500, `500 phones within ${burstWindow(500) / 1000} s`, { ratio: 2, board: 10, ack: 15 })
  burstTargets(k1000, r1000, `1,000 phones within ${burstWindow(1000) / 1000} s`, { ratio: 3, board: 15, ack: 20 })
  if (k1000) {
    const expected = k1000.phones * k1000.rounds
    out.push({ name: '1,000 phones: every note acknowledged', measured: `${k1000.acked} / ${expected} (${k1000.rounds} rounds)`, limit: 'all', pass: k1000.acked === expected && k1000.sent === expected })
    out.push({ name: '1,000 phones: server RSS peak', measured: `${fmt.mb(k1000.server.rssPeak)} MB`, limit: '≤ 200 MB', pass: k1000.server.rssPeak <= 200 * MB })
  } else {
    notRun('1,000 phones: every note acknowledged', 'all')
    notRun('1,000 phones: server RSS peak', '≤ 200 MB')
  }
  const ex = report.export
  if (ex) {
    out.push({ name: `export JSON, ${ex.notes.toLocaleString('en-US')} notes (slowest of 5)`, measured: `${fmt.ms(ex.json.max)} ms`, limit: '≤ 500 ms', pass: ex.json.status === 200 && ex.json.max <= 500 })
    for (const f of ['md', 'csv'] as const) {
      const r = ex[f]
      out.push({ name: `export ${f.toUpperCase()}`, measured: r.status === 200 ? `${fmt.ms(r.ms)} ms` : `not built yet (HTTP ${r.status})`, limit: '≤ 500 ms', pass: r.status === 200 ? (r.ms ?? Infinity) <= 500 : undefined })
    }
  } else notRun('export JSON', '≤ 500 ms')
  const b = report.bundles
  for (const [page, limitKb] of [['phone', 50], ['board', 120]] as const) {
    const p = b?.pages.find((x) => x.page === page)
    if (p) out.push({ name: `${page} page gzip (HTML + JS + CSS)`, measured: `${fmt.kb(p.gzip)} KB`, limit: `≤ ${limitKb} KB`, pass: p.gzip <= limitKb * 1024 })
    else out.push({ name: `${page} page gzip (HTML + JS + CSS)`, measured: b?.built === false ? 'not built (no dist/client)' : 'not run', limit: `≤ ${limitKb} KB`, pass: undefined })
  }
  const sv = report.surveys
  if (!sv?.built) {
    notRun('surveys 1000: every answer acknowledged', 'all')
    notRun('surveys 1000: ack p99', '≤ 50 ms')
    notRun('surveys 1000: board counts after the last answer', '≤ 1000 ms')
  } else {
    out.push({ name: `surveys ${sv.phones}: every answer acknowledged`, measured: `${sv.acked} / ${sv.sent}`, limit: 'all', pass: sv.acked === sv.sent && sv.sent === sv.phones })
    out.push({ name: `surveys ${sv.phones}: ack p99`, measured: `${fmt.ms(sv.ack.p99)} ms`, limit: '≤ 50 ms', pass: sv.ack.p99 <= 50 })
    out.push({ name: `surveys ${sv.phones}: board counts after the last answer`, measured: `${fmt.ms(sv.boardAfterLastAckMs)} ms`, limit: '≤ 1000 ms', pass: sv.boardAfterLastAckMs <= 1_000 })
  }
  return out
}

const passCell = (p: boolean | undefined) => (p === undefined ? '–' : p ? 'PASS' : 'FAIL')

function markdown(): string {
  const L: string[] = []
  const m = report.machine
  L.push(`# Kurumaza bench (${report.mode})`)
  L.push('')
  L.push(`Server: ${report.server}.`)
  L.push('')
  L.push(`${report.startedAt} · Node ${m.node} · ${m.cpus} CPU (${m.cpuModel}) · ${m.memGiB} GiB · SQLite synchronous=${report.durability.toUpperCase()}${WRITE_WINDOW !== undefined ? ` · write window ${WRITE_WINDOW} ms` : ''} · DATA_DIR under ${m.tmpdir} · run took ${(report.durationMs / 1000).toFixed(0)} s`)
  L.push('')
  L.push('## Targets')
  L.push('')
  L.push('| target | measured | limit | result |')
  L.push('| --- | --- | --- | --- |')
  for (const t of report.targets) L.push(`| ${t.name} | ${t.measured} | ${t.limit} | ${passCell(t.pass)} |`)
  L.push('')
  L.push('## Load')
  L.push('')
  L.push('Latencies in ms, per note, pooled over the rounds (each round: a fresh session, N phones connected, then one note each at a random moment in 2 s): **ack** = phone emits `note:create` → phone gets the ack; **board** = phone emits → the note is in the board\'s Y.Doc (kiosk) or the board socket got it (relay). Targets are judged on the pooled p99.')
  L.push('')
  L.push('| scenario | server | phones × rounds | acked / sent | ack p50 | p95 | p99 | max | board p50 | p95 | p99 | max | board p99 per round | notes/s | drain ms | server CPU | server RSS MB: idle → connected → peak | machine busy / steal |')
  L.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | --- |')
  for (const r of report.loads) {
    L.push(
      `| ${r.scenario} | ${r.target} | ${r.connected} × ${r.rounds} | ${r.acked} / ${r.sent} | ${fmt.ms(r.ack.p50)} | ${fmt.ms(r.ack.p95)} | ${fmt.ms(r.ack.p99)} | ${fmt.ms(r.ack.max)} | ${fmt.ms(r.board.p50)} | ${fmt.ms(r.board.p95)} | ${fmt.ms(r.board.p99)} | ${fmt.ms(r.board.max)} | ${r.perRound.map((x) => `${fmt.ms(x.boardP99)}${x.unaccountedPct > NOISY_PCT ? '*' : ''}`).join(', ')} | ${r.notesPerSec.toFixed(0)} | ${fmt.ms(Math.max(r.drainAckMs, r.drainBoardMs))} | ${(r.server.cpuMs / 1000).toFixed(2)} s (${r.server.cpuPct.toFixed(0)}%) | ${fmt.mb(r.rssBefore)} → ${fmt.mb(r.rssConnected)} → ${fmt.mb(r.server.rssPeak)} | ${r.machine.busyPct.toFixed(0)}% / ${r.machine.stealPct.toFixed(1)}% |`,
    )
  }
  L.push('')
  const pairs = [...new Set(report.loads.filter((l) => l.target === 'relay').map((l) => l.scenario))]
  if (pairs.length) {
    L.push('Kiosk vs bare relay (same load, same machine, same run):')
    L.push('')
    L.push('| scenario | ack p99 kiosk / relay | board p99 kiosk / relay | server CPU kiosk / relay |')
    L.push('| --- | ---: | ---: | ---: |')
    for (const s of pairs) {
      const k = report.loads.find((l) => l.scenario === s && l.target === 'kiosk')
      const r = report.loads.find((l) => l.scenario === s && l.target === 'relay')
      if (!k || !r) continue
      L.push(
        `| ${s} | ${(k.ack.p99 / r.ack.p99).toFixed(1)}× (${fmt.ms(k.ack.p99)} / ${fmt.ms(r.ack.p99)}) | ${(k.board.p99 / r.board.p99).toFixed(1)}× (${fmt.ms(k.board.p99)} / ${fmt.ms(r.board.p99)}) | ${(k.server.cpuMs / r.server.cpuMs).toFixed(1)}× (${(k.server.cpuMs / 1000).toFixed(2)} / ${(r.server.cpuMs / 1000).toFixed(2)} s) |`,
      )
    }
    L.push('')
  }
  const steady = report.loads.find((l) => l.facilitator)
  if (steady?.facilitator) {
    const f = steady.facilitator
    const g = f.grouping
    const groupingText = g
      ? `the console (read-write y-websocket, as the real one) made ${g.groups} groups, on the board after p50 ${fmt.ms(g.groupBoard.p50)} / max ${fmt.ms(g.groupBoard.max)} ms, and moved ${g.moves} notes into them, on the board after p50 ${fmt.ms(g.moveBoard.p50)} / p99 ${fmt.ms(g.moveBoard.p99)} / max ${fmt.ms(g.moveBoard.max)} ms;`
      : '**grouping is not built yet** on this server (no shared/grouping.ts), so it is not exercised;'
    L.push(`Steady scenario, facilitator: ${groupingText} ${f.moderations} hide/show moderations, ack p50 ${fmt.ms(f.moderationAck.p50)} / p99 ${fmt.ms(f.moderationAck.p99)} ms, on the board p50 ${fmt.ms(f.moderationBoard.p50)} / p99 ${fmt.ms(f.moderationBoard.p99)} ms (${f.moderationBoard.n} seen); ${f.updates} prompt changes (\`session:update\`, pushed to every phone as \`session:state\`), ack p50 ${fmt.ms(f.updateAck.p50)} / max ${fmt.ms(f.updateAck.max)} ms; each phone got ${steady.phoneBytes.meanStates.toFixed(1)} \`session:state\` on average.`)
    L.push('')
  }
  if (report.votes.length) {
    const built = report.votes.filter((v) => v.built)
    L.push('## Dot voting')
    L.push('')
    if (built.length === 0) L.push(`Not built yet on this server: ${report.votes[0]?.detail ?? ''}.`)
    else {
      L.push('Each phone posts one note; the facilitator opens a vote (3 dots a phone, at most 1 a note, counts live on the board); every phone gets its ballot (`vote:ballot`: every visible note\'s id and text); then each phone places 3 dots at random moments in 10 s. Latencies in ms.')
      L.push('')
      L.push('| scenario | notes | ballots | ballot fan-out p50 / p99 / max | ballot KB per phone | ballot MB all phones | ballots per phone | server CPU during fan-out (phone workers) | dots acked / sent | dot ack p50 / p95 / p99 / max | dot on board p50 / p99 / max | server CPU while voting | server RSS peak MB |')
      L.push('| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |')
      for (const v of built) {
        L.push(
          `| ${v.scenario} | ${v.notes} | ${v.ballotsReceived} / ${v.phones} | ${fmt.ms(v.ballotFanout.p50)} / ${fmt.ms(v.ballotFanout.p99)} / ${fmt.ms(v.ballotFanout.max)} | ${fmt.kb(v.ballotBytes.mean)} | ${fmt.mb(v.ballotBytes.total)} | ${v.ballotsPerPhone.toFixed(1)} | ${(v.openServer.cpuMs / 1000).toFixed(2)} s, ${v.openServer.cpuPct.toFixed(0)}% (${v.workersCpuPctFanout.map((c) => `${c.toFixed(0)}%`).join(', ')}) | ${v.acked} / ${v.casts} | ${fmt.ms(v.castAck.p50)} / ${fmt.ms(v.castAck.p95)} / ${fmt.ms(v.castAck.p99)} / ${fmt.ms(v.castAck.max)} | ${fmt.ms(v.castBoard.p50)} / ${fmt.ms(v.castBoard.p99)} / ${fmt.ms(v.castBoard.max)} | ${(v.castServer.cpuMs / 1000).toFixed(2)} s (${v.castServer.cpuPct.toFixed(0)}%) | ${fmt.mb(Math.max(v.openServer.rssPeak, v.castServer.rssPeak))}${v.unaccountedPct > NOISY_PCT ? ' (noisy*)' : ''} |`,
        )
      }
      const refused = built.filter((v) => Object.keys(v.refused).length > 0)
      for (const v of refused) L.push(`\n${v.scenario}: refused dots ${JSON.stringify(v.refused)}`)
    }
    L.push('')
  }
  L.push(...questionsMarkdown(report.questions))
  L.push('Bytes: "phone in" is the Engine.IO payload a phone received over its whole life in a round (session state on connect, its ack, pings, state pushes); "wire" adds WebSocket framing and the HTTP upgrade. "board in" is what the board received during one round\'s posting window (note updates and presence): y-websocket payload, and TCP bytes. Server RSS per phone = (connected − idle) / phones.')
  L.push('')
  L.push('| scenario | server | phone in B (mean / max) | phone wire in B | phone out B | board in B per round (payload / wire) | board B per note | server RSS per phone KB | connect ms | load-gen CPU |')
  L.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
  for (const r of report.loads) {
    L.push(
      `| ${r.scenario} | ${r.target} | ${fmt.int(r.phoneBytes.meanIn)} / ${fmt.int(r.phoneBytes.maxIn)} | ${fmt.int(r.phoneBytes.meanWireIn)} | ${fmt.int(r.phoneBytes.meanOut)} | ${fmt.int(r.boardBytes.payload / r.rounds)} / ${fmt.int(r.boardBytes.wire / r.rounds)} | ${r.boardBytes.perNote.toFixed(0)} | ${fmt.kb((r.rssConnected - r.rssBefore) / r.phones)} | ${fmt.int(r.connectMs)} | ${r.workersCpuPct.map((c) => `${c.toFixed(0)}%`).join(', ')} |`,
    )
  }
  L.push('')
  const ex = report.export
  if (ex) {
    L.push('## Export and board load')
    L.push('')
    L.push(`A session of ${ex.notes.toLocaleString('en-US')} notes (${ex.acked} acknowledged; posted by ${ex.notes / 5} phones, 5 notes each, in ${(ex.fillMs / 1000).toFixed(1)} s), on a kiosk of its own.`)
    L.push('')
    L.push('| what | value |')
    L.push('| --- | ---: |')
    L.push(`| GET export?format=json (5 runs) | ${ex.json.runsMs.map((v) => fmt.ms(v)).join(', ')} ms (HTTP ${ex.json.status}) |`)
    L.push(`| GET export?format=md | ${ex.md.status === 200 ? `${fmt.ms(ex.md.ms)} ms` : `not built yet (HTTP ${ex.md.status})`} |`)
    L.push(`| GET export?format=csv | ${ex.csv.status === 200 ? `${fmt.ms(ex.csv.ms)} ms` : `not built yet (HTTP ${ex.csv.status})`} |`)
    L.push(`| JSON record (as served, indented / compact) | ${fmt.kb(ex.json.bytes)} / ${fmt.kb(ex.json.compactBytes)} KB |`)
    L.push(`| SQLite: kurumaza.sqlite + -wal (-shm) | ${fmt.kb(ex.sqlite.db)} + ${fmt.kb(ex.sqlite.wal)} = ${fmt.kb(ex.sqlite.total)} KB (${fmt.kb(ex.sqlite.shm)}) |`)
    L.push(`| SQLite total / compact JSON record | ${(ex.sqlite.total / Math.max(1, ex.json.compactBytes)).toFixed(1)}× |`)
    L.push(`| Yjs document (encodeStateAsUpdate) | ${fmt.kb(ex.yjsStateBytes)} KB |`)
    L.push(`| board first sync (doc in memory) | ${fmt.ms(ex.boardSyncMs)} ms, ${fmt.kb(ex.boardSyncBytes)} KB received |`)
    L.push(`| kiosk restart (spawn → listening) | ${fmt.int(ex.restartMs)} ms |`)
    L.push(`| board first sync after restart (doc loaded from SQLite) | ${fmt.ms(ex.boardSyncAfterRestartMs)} ms |`)
    L.push(`| export JSON after restart | ${fmt.ms(ex.exportAfterRestartMs)} ms |`)
    L.push(`| kiosk RSS after restart: idle → with this session loaded | ${fmt.mb(ex.serverRssIdle)} → ${fmt.mb(ex.serverRssAfterRestart)} MB |`)
    if (ex.rssPerLoadedSession.length) L.push(`| RSS added by each further copy of the session, imported and loaded (sessions stay loaded until restart) | ${ex.rssPerLoadedSession.map((b) => fmt.mb(b)).join(', ')} MB |`)
    L.push('')
  }
  if (report.stall) L.push(...stallMarkdown(report.stall))
  if (report.words) L.push(...wordsMarkdown(report.words))
  const sv = report.surveys
  if (sv) {
    L.push('## Surveys', '')
    if (!sv.built) L.push(sv.detail ?? 'not built', '')
    else {
      L.push(`${sv.phones} phones answer a ${sv.questions}-question survey (live round, the current activity) at random moments in 10 s.`, '')
      L.push('| answers acked / sent | ack p50 / p95 / p99 / max | board counts after the last ack | board updates | phone in B while answering (mean / max) | survey messages per phone (B each) | server CPU | server RSS peak MB |')
      L.push('| --- | --- | --- | --- | --- | --- | --- | --- |')
      L.push(
        `| ${sv.acked} / ${sv.sent} | ${fmt.ms(sv.ack.p50)} / ${fmt.ms(sv.ack.p95)} / ${fmt.ms(sv.ack.p99)} / ${fmt.ms(sv.ack.max)} ms | ${fmt.ms(sv.boardAfterLastAckMs)} ms | ${sv.boardUpdates} | ${fmt.int(sv.phoneBytesIn.mean)} / ${fmt.int(sv.phoneBytesIn.max)} | ${sv.surveyMessagesPerPhone.toFixed(2)} (${fmt.int(sv.surveyMessageBytes)}) | ${(sv.server.cpuMs / 1000).toFixed(2)} s (${sv.server.cpuPct.toFixed(0)}%) | ${fmt.mb(sv.server.rssPeak)} |`,
      )
      if (Object.keys(sv.refused).length) L.push('', `Refused: ${JSON.stringify(sv.refused)}`)
      L.push('')
    }
  }
  const b = report.bundles
  if (b) {
    L.push('## Bundles')
    L.push('')
    if (!b.built) L.push(`No built client in ${b.dir}: run \`npm run build\` (or pass --dist=DIR) to measure the pages.`)
    else {
      L.push(`${b.dir}; ${b.note}.`)
      L.push('')
      L.push('| page | files | raw KB | gzip KB |')
      L.push('| --- | --- | ---: | ---: |')
      for (const p of b.pages) L.push(`| ${p.page} | ${p.files.map((f) => `${f.file} (${fmt.kb(f.gzip)})`).join(', ')} | ${fmt.kb(p.raw)} | ${fmt.kb(p.gzip)} |`)
      if (b.served?.length) {
        L.push('')
        L.push('As the kiosk serves them to a browser that accepts gzip and br (what crosses the room\'s Wi-Fi once per phone, before caching):')
        L.push('')
        L.push('| page | KB on the wire | Content-Encoding | × 1,000 phones |')
        L.push('| --- | ---: | --- | ---: |')
        for (const p of b.served) L.push(p.status === 200 ? `| ${p.page} | ${fmt.kb(p.bytes)} | ${p.encodings.join(', ')} | ${fmt.mb(p.bytes * 1000)} MB |` : `| ${p.page} | HTTP ${p.status} | | |`)
      }
    }
    L.push('')
  }
  if (report.kioskTotals) {
    L.push(`Kiosk process over the load scenarios: ${(report.kioskTotals.cpuMs / 1000).toFixed(1)} s CPU, VmHWM ${fmt.mb(report.kioskTotals.rssHwm)} MB.`)
    L.push('')
  }
  if (report.profile) {
    const p = report.profile
    L.push('## Kiosk CPU profile')
    L.push('')
    L.push(`${path.relative(ROOT, p.file)}: ${(p.totalMs / 1000).toFixed(1)} s profiled, ${(p.busyMs / 1000).toFixed(2)} s busy, of which GC ${(p.gcMs / 1000).toFixed(2)} s.`)
    L.push('')
    L.push('| self time by package | ms | % of busy |')
    L.push('| --- | ---: | ---: |')
    for (const r of p.byPackage) L.push(`| ${r.name} | ${r.selfMs.toFixed(0)} | ${r.pct.toFixed(1)} |`)
    L.push('')
    L.push('| project function, inclusive time (self + callees) | ms | % of busy |')
    L.push('| --- | ---: | ---: |')
    for (const r of p.projectInclusive) L.push(`| \`${r.name}\` | ${r.selfMs.toFixed(0)} | ${r.pct.toFixed(1)} |`)
    L.push('')
    L.push('| self time by function | ms | % of busy |')
    L.push('| --- | ---: | ---: |')
    for (const r of p.byFunction) L.push(`| \`${r.name}\` | ${r.selfMs.toFixed(0)} | ${r.pct.toFixed(1)} |`)
    L.push('')
  }
  L.push('## Notes')
  L.push('')
  for (const n of report.notes) L.push(`- ${n}`)
  L.push('')
  return L.join('\n')
}

// ---------------------------------------------------------------------------------------------

let serverRoot = ROOT
/** every server the bench runs, so a round can tell what the idle one costs */
const otherServers: ServerProcess[] = []

async function main(): Promise<void> {
  fs.mkdirSync(RESULTS, { recursive: true })
  const snapshot = REF ? snapshotOf(REF) : undefined
  serverRoot = snapshot?.root ?? (SERVER_ROOT_OPT ? path.resolve(SERVER_ROOT_OPT) : ROOT)
  report.server = snapshot ? `commit ${snapshot.commit.slice(0, 10)} (--ref=${REF})` : describeTree(serverRoot)
  const profDir = PROFILE ? path.join(RESULTS, `prof-${Date.now()}`) : undefined
  const dataDir = tempDataDir()
  const workers = Array.from({ length: WORKERS }, (_, i) => new PhoneWorker(`phones-${i}`))
  let kiosk: ServerProcess | undefined
  let relay: ServerProcess | undefined
  try {
    log(`mode ${report.mode}; starting the kiosk (DATA_DIR ${dataDir}), the bare relay and ${WORKERS} phone workers`)
    ;[kiosk, relay] = await Promise.all([startKiosk({ root: serverRoot, dataDir, durability: DURABILITY, writeWindowMs: WRITE_WINDOW, cpuProfDir: profDir, nodeFlags: NODE_FLAGS, logFile: KIOSK_LOG }), startRelay()])
    otherServers.push(kiosk, relay)
    benchPids = () => [process.pid, ...otherServers.map((x) => x.pid), ...workers.map((w) => w.pid)]
    await Promise.all(workers.map((w) => w.syncClock()))
    // Is anything else using the machine? Then tails measure it as much as the kiosk.
    const quiet = new MachineSampler()
    quiet.start()
    await sleep(1_000)
    report.otherLoadAtStartPct = quiet.stop().busyPct * report.machine.cpus
    if (report.otherLoadAtStartPct > NOISY_PCT) log(`warning: before the bench started, other processes used ${report.otherLoadAtStartPct.toFixed(0)}% of a core: results will be noisy`)
    report.clock.workerOffsetsMs = workers.map((w) => w.clockOffsetMs)
    report.clock.workerRttMs = workers.map((w) => w.clockRttMs)
    log(`clocks: worker offsets ${workers.map((w) => `${w.clockOffsetMs.toFixed(3)} ms (IPC rtt ${w.clockRttMs.toFixed(3)})`).join(', ')}`)

    if (ONLY.has('burst')) {
      // One unrecorded round each first, so neither server is measured while V8 still compiles.
      const warm = { scenario: 'warm-up', phones: 100, windowMs: 1_000, perPhone: 1 }
      await runLoad({ ...warm, target: 'kiosk', server: kiosk }, workers)
      if (ONLY.has('relay')) await runLoad({ ...warm, target: 'relay', server: relay }, workers)
      for (const n of PLAN.bursts) {
        const spec = { scenario: `burst ${n}`, phones: n, windowMs: burstWindow(n), perPhone: 1 }
        const k: Round[] = []
        const r: Round[] = []
        // Kiosk and relay rounds alternate (and swap who goes first), so a noisy moment on the
        // machine falls on both alike.
        for (let i = 1; i <= PLAN.rounds; i++) {
          const kioskFirst = i % 2 === 1 || !ONLY.has('relay')
          if (kioskFirst) k.push(await runLoad({ ...spec, target: 'kiosk', server: kiosk }, workers, i))
          if (ONLY.has('relay')) r.push(await runLoad({ ...spec, target: 'relay', server: relay }, workers, i))
          if (!kioskFirst) k.push(await runLoad({ ...spec, target: 'kiosk', server: kiosk }, workers, i))
        }
        report.loads.push(pool(k))
        if (r.length) report.loads.push(pool(r))
      }
    }
    if (ONLY.has('steady')) {
      report.loads.push(
        pool([
          await runLoad(
            { scenario: `steady ${PLAN.steadyPhones}`, target: 'kiosk', server: kiosk, phones: PLAN.steadyPhones, windowMs: PLAN.steadyMs, perPhone: PLAN.steadyNotes, facilitator: true },
            workers,
          ),
        ]),
      )
    }
    if (ONLY.has('vote')) {
      for (const n of PLAN.votes) {
        const v = await runVote(n, kiosk, workers)
        report.votes.push(v)
        if (!v.built) break
      }
    }
    if (ONLY.has('surveys')) report.surveys = await runSurveys(QUICK ? 200 : 1_000, kiosk, workers)
    if (ONLY.has('questions')) {
      const phones = QUICK ? 200 : 1_000
      report.questions.push(
        await runQuestions(
          { kiosk, workers, createSession, connectPhones, disconnectPhones, phoneStats, facilitatorSocket, emitAck, log, ackTimeoutMs: ACK_TIMEOUT_MS },
          phones,
          QUICK ? 40 : 100,
        ),
      )
    }
    let served: ServedPage[] | undefined
    if (ONLY.has('bundles')) served = await measureServed(kiosk.url).catch((err: Error) => (log(`pages: ${err.message}`), undefined))
    report.kioskTotals = { cpuMs: cpuMs(kiosk.pid) ?? NaN, rssHwm: memory(kiosk.pid)?.hwm ?? NaN }
    await kiosk.stop()
    await relay.stop()
    fs.writeFileSync(path.join(RESULTS, 'kiosk.log'), kiosk.output())
    if (profDir) {
      const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))
      if (file) report.profile = summarizeProfile(path.join(profDir, file))
      else report.notes.push(`--profile: no .cpuprofile was written to ${profDir}`)
    }

    if (ONLY.has('export')) report.export = await runExport(workers)
    // last, in this process: it measures its own event loop, so nothing else may run meanwhile
    if (ONLY.has('stall')) report.stall = await measureStalls({ log })
    if (ONLY.has('bundles')) report.bundles = { ...measureBundles(), served }
    if (ONLY.has('words')) report.words = await measureWords({ log })
  } finally {
    await kiosk?.stop()
    await relay?.stop()
    await Promise.all(workers.map((w) => w.close()))
    if (!KEEP) fs.rmSync(dataDir, { recursive: true, force: true })
    snapshot?.remove()
  }

  report.durationMs = now() - t0
  report.targets = evaluateTargets()
  const offsets = report.clock.workerOffsetsMs.map((o) => o.toFixed(3)).join(', ')
  report.notes.push(
    `Clock: ${report.clock.source}. Phone workers' clocks differ from the board's by ${offsets} ms (measured over IPC, round trip ${report.clock.workerRttMs.map((r) => r.toFixed(2)).join(', ')} ms) and are corrected for.`,
    `Phones: ${WORKERS} worker processes of socket.io-client sockets (WebSocket transport only), one deviceId each, one note per phone in a burst (random moment in a ${PLAN.burstWindowMs / 1000} s window; 3 s for 500 phones), ${PLAN.steadyNotes} per phone in the steady scenario; ack timeout ${ACK_TIMEOUT_MS / 1000} s. Board: one read-only y-websocket client (board key) in the measuring process. Kiosk and load generators share the machine's ${report.machine.cpus} cores.`,
    'Percentiles are nearest-rank. "notes/s" = notes acknowledged / (last ack − first send): with a 2 s window it is the offered rate unless the server falls behind; "drain" = last sighting (ack or board) − last send.',
    'Server CPU is user+system time of the server process from /proc/<pid>/stat over the posting window (100% = one core); RSS peak polls /proc/<pid>/status VmRSS every 50 ms.',
    'The steady scenario\'s facilitator hides/shows notes and changes the prompt over Socket.io and, where grouping exists, groups notes through a read-write Yjs client as the console does; dot voting has its own scenario (reported "not built yet" when the server does not answer `vote:open`).',
  )
  const rounds = report.loads.flatMap((l) => l.perRound)
  const noisy = rounds.filter((r) => r.unaccountedPct > NOISY_PCT).length
  report.notes.push(
    `Machine: ${report.otherLoadAtStartPct.toFixed(0)}% of a core busy before the bench began. ${noisy} of ${rounds.length} load rounds (marked * in "board p99 per round") ran while processes outside the bench used more than ${NOISY_PCT}% of a core (from /proc/stat minus the bench's own processes): their tails measure that too. Re-run on a quiet machine before trusting a FAIL on p99.`,
  )
  if (QUICK) report.notes.push('Quick mode: smaller rooms; the 500- and 1,000-phone targets are not run.')

  const md = markdown()
  fs.writeFileSync(path.join(RESULTS, 'latest.md'), md)
  fs.writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(report, null, 2))
  process.stdout.write(md)
  log(`wrote ${path.relative(ROOT, path.join(RESULTS, 'latest.md'))} and latest.json`)
}

// The bench ends by itself: a hard stop well past the longest plan.
const deadline = setTimeout(() => {
  console.error('bench: hard deadline of 10 minutes reached; stopping')
  process.exit(3)
}, 10 * 60_000)
deadline.unref()

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error('bench failed:', err.stack ?? err.message, (err as Error & { cause?: unknown }).cause ?? '')
    process.exit(1)
  },
)
