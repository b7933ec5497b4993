import { LIMITS, type Limits } from '../shared/limits.ts'
import type { Logger } from './log.ts'

/** Everything the kiosk needs to run; only server/main.ts builds one from the environment. */
export interface Config {
  port: number
  host: string
  /** where the SQLite database lives (and, with `databaseUrl`, this node's lock and records) */
  dataDir: string
  /** set: Socket.io's Redis adapter at this URL is the bus between nodes (several machines) */
  redisUrl?: string
  /** set: the store is PostgreSQL at this URL (several machines) instead of SQLite in `dataDir` */
  databaseUrl?: string
  /** set: this token; unset: one is generated on first start and kept in the database */
  facilitatorToken?: string
  /** base of joinUrl/boardUrl/facilitatorUrl and the QR code; derived from the LAN address when unset */
  publicUrl?: string
  /** the built client (dist/client); when absent, page routes answer 503 with a hint */
  clientDir?: string
  limits: Limits
  /** merge a session's stored Yjs updates into one row after this many */
  compactAfterUpdates: number
  /**
   * Changes gather this long before they are sent to the disk together (0: those of one turn
   * of the event loop); no answer goes out before its change is stored.
   */
  writeWindowMs: number
  /** a batch is sent at once when this many changes wait */
  writeBatchMax: number
  /**
   * Addresses of the proxy in front of several nodes: from these peers (only), the client's
   * address is the last one in X-Forwarded-For, so per-address limits see the phone, not the proxy.
   */
  trustedProxies: string[]
  /**
   * Loading a session's board applies its stored rows for at most this long per turn of the
   * event loop, then lets everyone else in (0: one row per turn, as tests use to see the steps).
   */
  loadStepMs: number
  /** SQLite `synchronous` pragma: FULL survives power loss, NORMAL only process crashes */
  durability: 'full' | 'normal'
  /** how often the phone count is published to boards */
  presenceIntervalMs: number
  /** a session nobody is connected to leaves memory after this long (it stays in the store) */
  idleUnloadMs: number
  /**
   * Clients on this machine (loopback) are exempt from the per-address limits, so benchmarks and
   * tests can play a whole room (the contract says so). Tests of those limits set it false,
   * making 127.0.0.1 an address like any other (a second test address is another 127.x.y.z).
   * Not an environment variable: a real kiosk has no reason to change it.
   */
  loopbackExempt: boolean
  log: Logger
}

export const DEFAULTS = {
  port: 3000,
  host: '0.0.0.0',
  dataDir: './data',
  compactAfterUpdates: 500,
  writeWindowMs: 2,
  writeBatchMax: 256,
  loadStepMs: 4,
  durability: 'full',
  presenceIntervalMs: 1_000,
  idleUnloadMs: 10 * 60_000,
  loopbackExempt: true,
} as const

export function makeConfig(partial: Partial<Config> & Pick<Config, 'dataDir' | 'log'>): Config {
  return {
    port: DEFAULTS.port,
    host: DEFAULTS.host,
    compactAfterUpdates: DEFAULTS.compactAfterUpdates,
    writeWindowMs: DEFAULTS.writeWindowMs,
    writeBatchMax: DEFAULTS.writeBatchMax,
    loadStepMs: DEFAULTS.loadStepMs,
    durability: DEFAULTS.durability,
    presenceIntervalMs: DEFAULTS.presenceIntervalMs,
    idleUnloadMs: DEFAULTS.idleUnloadMs,
    loopbackExempt: DEFAULTS.loopbackExempt,
    trustedProxies: [],
    ...partial,
    limits: { ...LIMITS, ...partial.limits },
  }
}
