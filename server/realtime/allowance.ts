import { RateLimiter } from '../guard.ts'

/** The per-phone budgets that are also limited per address. */
export type BudgetKind = 'vote' | 'upvote' | 'survey'

export interface Spend {
  kind: BudgetKind
  session: string
  /** what one budget is for: a vote's id, a survey's round (`<survey id>:<round>`) */
  scope: string
  address: string
  /** the phone spending (its device id, or its connection when it has none) */
  phoneKey: string
  /** true when the action uses up budget (a dot placed); false when it gives some back */
  adds: boolean
}

export interface AllowanceLimits {
  maxPhonesPerAddress: number
  budgetActionsBurstPerAddress: number
  budgetActionsPerMinutePerAddress: number
}

/**
 * The one place where every per-phone budget is also held per network address. Budgets are per
 * phone, and a phone is only what it says it is (a device id), so a script that makes up a fresh
 * id for each connection would get a fresh budget each time. From one address, only so many
 * phones may spend in one scope (one vote), and their actions share a rate.
 *
 * Which phones spent from which address is kept in memory only, never stored: addresses stay
 * out of the database, and a restart of the kiosk simply starts counting again (each phone's
 * own budget is in the database and holds across restarts).
 */
export class AddressAllowance {
  private readonly rate: RateLimiter
  /** session → scope → address → phones that spent there */
  private readonly phones = new Map<string, Map<string, Map<string, Set<string>>>>()

  constructor(
    private readonly limits: AllowanceLimits,
    /** addresses the per-address limits do not apply to (loopback) */
    private readonly exempt: (address: string) => boolean,
  ) {
    this.rate = new RateLimiter(limits.budgetActionsBurstPerAddress, limits.budgetActionsPerMinutePerAddress)
  }

  /** Whether this action may go ahead; when it may, it is counted. False: answer `rate_limited`. */
  take(s: Spend, now = Date.now()): boolean {
    if (this.exempt(s.address)) return true
    const byAddress = this.phones.get(s.session)?.get(s.scope)
    const seen = byAddress?.get(s.address)
    // Giving budget back never needs a place: a phone may always take its own dots back.
    const newcomer = s.adds && !seen?.has(s.phoneKey)
    if (newcomer && (seen?.size ?? 0) >= this.limits.maxPhonesPerAddress) return false
    if (!this.rate.take(`${s.kind}\u0000${s.address}`, now)) return false
    if (newcomer) this.phonesAt(s.session, s.scope, s.address).add(s.phoneKey)
    return true
  }

  private phonesAt(session: string, scope: string, address: string): Set<string> {
    let scopes = this.phones.get(session)
    if (!scopes) this.phones.set(session, (scopes = new Map()))
    let byAddress = scopes.get(scope)
    if (!byAddress) scopes.set(scope, (byAddress = new Map()))
    let set = byAddress.get(address)
    if (!set) byAddress.set(address, (set = new Set()))
    return set
  }

  /** A session left memory or was deleted: its counts go with it. */
  forgetSession(session: string): void {
    this.phones.delete(session)
  }

  sweep(now = Date.now()): void {
    this.rate.sweep(now)
  }
}
