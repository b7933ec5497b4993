import type { Config } from './config.ts'
import type { AuthThrottle, ConnectionCounter, RateLimiter } from './guard.ts'
import type { Logger } from './log.ts'
import type { AddressAllowance } from './realtime/allowance.ts'
import type { SessionHub } from './sessions/hub.ts'
import type { NoteIntake } from './sessions/intake.ts'
import type { Store } from './store/store.ts'
import type { WordFilter } from './board/words.ts'
import type { SessionTimers } from './sessions/timers.ts'

/** What every transport adapter is handed: the kiosk's parts, never a global. */
export interface Kiosk {
  config: Config
  store: Store
  hub: SessionHub
  intake: NoteIntake
  /** the facilitator token in force */
  token: string
  /** notes containing these words wait for the facilitator, whatever the moderation mode */
  words: WordFilter
  timers: SessionTimers
  connections: ConnectionCounter
  /** wrong tokens and keys, per address */
  authFailures: AuthThrottle
  notesPerPhone: RateLimiter
  notesPerAddress: RateLimiter
  /** every per-phone budget (votes, …) held per address as well */
  allowance: AddressAllowance
  /** whether per-address limits pass this address by (loopback, unless config.loopbackExempt is false) */
  exempt(address: string): boolean
  /** joinUrl, boardUrl and facilitatorUrl are built on this (no trailing slash) */
  publicBase(): string
  /** PUBLIC_URL's origin when one was configured: accepted as a page origin besides the Host */
  publicOrigin: string | undefined
  log: Logger
}
