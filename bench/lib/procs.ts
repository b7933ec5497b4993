/**
 * The bench's child processes: the real kiosk (server/main.ts, as `npm start` runs it), the bare
 * relay, and the phone workers. Each listens on 127.0.0.1 only and is stopped by the bench.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { WorkerCmd, WorkerReply, WorkerRequest } from './ipc.ts'
import { now, within } from './util.ts'

export const ROOT = path.resolve(import.meta.dirname, '..', '..')
export const BENCH_TOKEN = 'bench-facilitator-token-0123456789abcdefghij'

export interface ServerProcess {
  child: ChildProcess
  pid: number
  url: string
  output(): string
  stop(): Promise<number | null>
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

/** Servers still running; killed if the bench exits without stopping them (a crash, the deadline). */
const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL')
})

function startServer(cwd: string, args: string[], env: Record<string, string>, urlPattern: RegExp, what: string, logFile?: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  child.once('exit', () => live.delete(child))
  let out = ''
  const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null
  const keep = (d: Buffer) => {
    log?.write(d)
    out += d.toString()
    if (out.length > 200_000) out = out.slice(-100_000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const code = await exited(child)
      clearTimeout(t)
      return code
    }
    return child.exitCode
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`${what} did not start within 30 s:\n${out}`))
    }, 30_000)
    const check = () => {
      const m = urlPattern.exec(out)
      if (!m) return
      clearTimeout(timer)
      child.stdout!.off('data', check)
      resolve({ child, pid: child.pid!, url: `http://127.0.0.1:${m[1]}`, output: () => out, stop })
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited with ${code}:\n${out}`))
    })
  })
}

export interface KioskOptions {
  /** the tree whose server/main.ts runs: this repo, or a snapshot of another commit */
  root: string
  dataDir: string
  durability: 'full' | 'normal'
  /** KURUMAZA_WRITE_WINDOW_MS; unset: the kiosk's default */
  writeWindowMs?: string
  /** write a V8 CPU profile of the kiosk to this folder when it exits */
  cpuProfDir?: string
  /** more node flags for the kiosk, before the bundle (e.g. --trace-gc) */
  nodeFlags?: string[]
  /** copy everything the kiosk writes to this file */
  logFile?: string
}

/**
 * The real kiosk as `npm start` runs it: the server bundle built by scripts/build.mjs. A tree
 * from before that script (an older commit under --ref) runs `server/main.ts` through tsx.
 */
export async function startKiosk(opts: KioskOptions): Promise<ServerProcess> {
  const args: string[] = []
  if (opts.cpuProfDir) args.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`)
  args.push(...(opts.nodeFlags ?? []))
  const buildScript = path.join(opts.root, 'scripts', 'build.mjs')
  if (fs.existsSync(buildScript)) {
    const build = (await import(pathToFileURL(buildScript).href)) as typeof import('../../scripts/build.mjs')
    await build.buildServer()
    // With the flags `npm start` gives node (a tree from before they existed has none).
    args.push(...(build.KIOSK_ARGS ?? [build.SERVER_BUNDLE]))
  } else {
    args.unshift('--import', 'tsx')
    args.push(path.join(opts.root, 'server', 'main.ts'))
  }
  return startServer(
    opts.root,
    args,
    {
      DATA_DIR: opts.dataDir,
      FACILITATOR_TOKEN: BENCH_TOKEN,
      KURUMAZA_DURABILITY: opts.durability,
      ...(opts.writeWindowMs !== undefined ? { KURUMAZA_WRITE_WINDOW_MS: opts.writeWindowMs } : {}),
      PUBLIC_URL: '',
      DEBUG: '',
    },
    /http:\/\/localhost:(\d+)\/f\?token=/,
    'kiosk',
    opts.logFile,
  )
}

export function startRelay(): Promise<ServerProcess> {
  return startServer(ROOT, ['--import', 'tsx', path.join(ROOT, 'bench', 'bare-relay.ts')], {}, /relay listening on http:\/\/127\.0\.0\.1:(\d+)/, 'relay')
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kurumaza-bench-'))
}

/**
 * A snapshot of the repo at a git ref (`git archive`), with this repo's node_modules linked in:
 * to bench a commit while the work tree is mid-change, or to compare a proposed server change.
 */
export function snapshotOf(ref: string): { root: string; commit: string; remove(): void } {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim()
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kurumaza-bench-tree-'))
  const tar = execFileSync('git', ['archive', '--format=tar', commit], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 })
  execFileSync('tar', ['-x', '-C', root], { input: tar })
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  // the built screens, so the snapshot's kiosk serves pages too (they are not in git)
  if (fs.existsSync(path.join(ROOT, 'dist'))) fs.symlinkSync(path.join(ROOT, 'dist'), path.join(root, 'dist'), 'dir')
  return { root, commit, remove: () => fs.rmSync(root, { recursive: true, force: true }) }
}

/** Which server code a run measured: the commit, and whether server/ or shared/ had local changes. */
export function describeTree(root: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared'], { cwd: root, encoding: 'utf8' }).trim()
    return dirty ? `work tree at ${head} with ${dirty.split('\n').length} changed file(s) in server/ and shared/` : `work tree at ${head} (server/ and shared/ clean)`
  } catch {
    return root
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void }

/** A phone worker process and a typed request/response channel to it. */
export class PhoneWorker {
  readonly child: ChildProcess
  private seq = 0
  private readonly pending = new Map<number, Pending>()
  /** this worker's clock minus ours, estimated over IPC */
  clockOffsetMs = 0
  clockRttMs = 0

  constructor(readonly name: string) {
    this.child = fork(path.join(ROOT, 'bench', 'phones.ts'), [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    })
    this.child.on('message', (msg: WorkerReply) => {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.result)
      else p.reject(new Error(`${this.name}: ${msg.error}`))
    })
    this.child.once('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`${this.name} exited with ${code}`))
      this.pending.clear()
    })
  }

  get pid(): number {
    return this.child.pid!
  }

  request<T>(cmd: WorkerRequest, timeoutMs: number): Promise<T> {
    const id = ++this.seq
    const p = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.child.send({ ...cmd, id } satisfies WorkerCmd)
    })
    return within(p, timeoutMs, `${this.name} ${cmd.type}`).finally(() => this.pending.delete(id))
  }

  /** NTP-style: the worker's time against the midpoint of our send and receive, best of 15. */
  async syncClock(): Promise<void> {
    let best = { rtt: Infinity, offset: 0 }
    for (let i = 0; i < 15; i++) {
      const t0 = now()
      const tw = await this.request<number>({ type: 'clock' }, 5_000)
      const t1 = now()
      if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: tw - (t0 + t1) / 2 }
    }
    this.clockOffsetMs = best.offset
    this.clockRttMs = best.rtt
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    this.child.disconnect()
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5_000)
    await exited(this.child)
    clearTimeout(t)
  }
}
