/**
 * Small helpers shared by the bench's processes: one clock, percentiles, /proc sampling.
 */
import fs from 'node:fs'

/**
 * The bench's clock, the same in every process: epoch milliseconds with sub-microsecond
 * resolution (performance.timeOrigin is fixed at process start, performance.now() is monotonic).
 * Processes on one machine agree to within the skew that run.ts measures over IPC and prints.
 */
export const now = (): number => performance.timeOrigin + performance.now()

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Reject after `ms` unless `p` settled first; every wait in the bench is bounded. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

export interface Summary {
  n: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/** Nearest-rank percentiles (no interpolation): p99 of 500 samples is the 495th smallest. */
export function summarize(values: number[]): Summary {
  if (values.length === 0) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN }
  const s = [...values].sort((a, b) => a - b)
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1] as number, mean: s.reduce((a, b) => a + b, 0) / s.length }
}

/** CPU time (user+system, ms) of a process so far, from /proc/<pid>/stat; undefined once it is gone. */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may contain spaces), 1-based 14 and 15 overall.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(rest[11]) + Number(rest[12])
    return (ticks * 1000) / CLK_TCK
  } catch {
    return undefined
  }
}

/** Linux's USER_HZ; 100 everywhere Node runs on Linux in practice. */
const CLK_TCK = 100

/** Resident set size and its high-water mark in bytes, from /proc/<pid>/status. */
export function memory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') }
  } catch {
    return undefined
  }
}

export interface ProcUsage {
  /** CPU time used in the window, ms */
  cpuMs: number
  /** the same as a share of one core over the window's wall time, % */
  cpuPct: number
  wallMs: number
  /** highest VmRSS seen by polling during the window, bytes */
  rssPeak: number
  rssEnd: number
}

/** Polls a process's RSS every `everyMs` and measures its CPU time between start() and stop(). */
export class ProcSampler {
  private timer: NodeJS.Timeout | undefined
  private cpu0 = 0
  private t0 = 0
  private peak = 0

  constructor(
    readonly pid: number,
    private readonly everyMs = 50,
  ) {}

  start(): void {
    this.cpu0 = cpuMs(this.pid) ?? 0
    this.t0 = now()
    this.peak = memory(this.pid)?.rss ?? 0
    clearInterval(this.timer)
    this.timer = setInterval(() => {
      const m = memory(this.pid)
      if (m && m.rss > this.peak) this.peak = m.rss
    }, this.everyMs)
    this.timer.unref()
  }

  stop(): ProcUsage {
    clearInterval(this.timer)
    this.timer = undefined
    const wallMs = now() - this.t0
    const used = (cpuMs(this.pid) ?? this.cpu0) - this.cpu0
    const m = memory(this.pid)
    if (m && m.rss > this.peak) this.peak = m.rss
    return { cpuMs: used, cpuPct: wallMs > 0 ? (100 * used) / wallMs : 0, wallMs, rssPeak: this.peak, rssEnd: m?.rss ?? NaN }
  }
}

export const MB = 1024 * 1024

export const fmt = {
  ms: (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)),
  mb: (bytes: number | undefined): string => (bytes === undefined || Number.isNaN(bytes) ? '–' : (bytes / MB).toFixed(1)),
  kb: (bytes: number | undefined): string => (bytes === undefined || Number.isNaN(bytes) ? '–' : (bytes / 1024).toFixed(1)),
  int: (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '–' : Math.round(v).toLocaleString('en-US')),
}

/** The whole machine's CPU time from /proc/stat, in clock ticks, summed over all cores. */
function machineTicks(): { busy: number; iowait: number; steal: number; total: number } {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number)
    return { busy: user + nice + system + irq + softirq, iowait, steal, total: user + nice + system + idle + iowait + irq + softirq + steal }
  } catch {
    return { busy: 0, iowait: 0, steal: 0, total: 0 }
  }
}

export interface MachineUsage {
  /** share of all cores busy (user, system, interrupts), % */
  busyPct: number
  /** share of all cores the hypervisor gave to someone else (VM steal), % */
  stealPct: number
  iowaitPct: number
}

/** Machine-wide CPU over a window: shows when a round ran on a busy or stolen-from machine. */
export class MachineSampler {
  private t0 = machineTicks()

  start(): void {
    this.t0 = machineTicks()
  }

  stop(): MachineUsage {
    const t1 = machineTicks()
    const total = Math.max(1, t1.total - this.t0.total)
    return {
      busyPct: (100 * (t1.busy - this.t0.busy)) / total,
      stealPct: (100 * (t1.steal - this.t0.steal)) / total,
      iowaitPct: (100 * (t1.iowait - this.t0.iowait)) / total,
    }
  }
}
