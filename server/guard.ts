import crypto from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import net from 'node:net'

/**
 * Small checks used by every transport: who is calling from where, and whether they may.
 */

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const a = address.startsWith('::ffff:') ? address.slice(7) : address
  return a === '::1' || a.startsWith('127.')
}

const bare = (address: string) => (address.startsWith('::ffff:') ? address.slice(7) : address)

/**
 * Who is calling: the peer's address, or, when the peer is one of `trustedProxies` (the proxy in
 * front of several nodes), the address that proxy added last to X-Forwarded-For. Only the last
 * one: a client can send its own X-Forwarded-For, which the proxy then appends to. Anyone else's
 * X-Forwarded-For is ignored, so per-address limits hold with or without a proxy.
 */
export function remoteAddress(req: IncomingMessage, trustedProxies: readonly string[] = []): string {
  const peer = req.socket.remoteAddress ?? 'unknown'
  if (trustedProxies.length === 0 || !trustedProxies.includes(bare(peer))) return peer
  const header = req.headers['x-forwarded-for']
  const last = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').pop()?.trim()
  return last && net.isIP(bare(last)) ? last : peer
}

/** Compare a presented secret with the real one in constant time (hashing evens out lengths). */
export function secretMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 256) return false
  const a = crypto.createHash('sha256').update(given).digest()
  const b = crypto.createHash('sha256').update(expected).digest()
  return crypto.timingSafeEqual(a, b)
}

/**
 * Whether a browser request comes from the kiosk's own pages. No Origin header means a program,
 * not a browser: allowed, and still subject to the same tokens and keys.
 */
export function originAllowed(req: IncomingMessage, publicOrigin: string | undefined): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  let parsed: URL
  try {
    parsed = new URL(origin)
  } catch {
    return false
  }
  if (publicOrigin && parsed.origin === publicOrigin) return true
  return req.headers.host !== undefined && parsed.host === req.headers.host
}

/** Token buckets keyed by phone or address; idle full buckets are forgotten. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly burst: number,
    private readonly perMinute: number,
  ) {}

  take(key: string, now = Date.now()): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) * this.perMinute) / 60_000)
    b.at = now
    if (b.tokens < 1) {
      this.buckets.set(key, b)
      return false
    }
    b.tokens -= 1
    this.buckets.set(key, b)
    return true
  }

  sweep(now = Date.now()): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) * this.perMinute) / 60_000 >= this.burst) this.buckets.delete(key)
    }
  }
}

/** Open connections per address and in total, across Socket.io and Yjs. */
export class ConnectionCounter {
  private readonly perAddress = new Map<string, number>()
  total = 0

  constructor(
    private readonly maxPerAddress: number,
    private readonly maxTotal: number,
    /** addresses the per-address cap does not apply to */
    private readonly exempt: (address: string) => boolean = isLoopback,
  ) {}

  /** Count a new connection; false (and nothing counted) when over a cap. */
  open(address: string): boolean {
    if (this.total >= this.maxTotal) return false
    const n = this.perAddress.get(address) ?? 0
    if (!this.exempt(address) && n >= this.maxPerAddress) return false
    this.perAddress.set(address, n + 1)
    this.total++
    return true
  }

  /** Whether `open` would count a connection now (nothing is counted). */
  allows(address: string): boolean {
    if (this.total >= this.maxTotal) return false
    return this.exempt(address) || (this.perAddress.get(address) ?? 0) < this.maxPerAddress
  }

  /**
   * Count a connection that exists now and hand back its release, which may be called from
   * every path that ends it (refusal, error, close): only the first call counts.
   */
  admit(address: string): (() => void) | undefined {
    if (!this.open(address)) return undefined
    let released = false
    return () => {
      if (released) return
      released = true
      this.close(address)
    }
  }

  close(address: string): void {
    const n = this.perAddress.get(address) ?? 0
    if (n <= 1) this.perAddress.delete(address)
    else this.perAddress.set(address, n - 1)
    this.total = Math.max(0, this.total - 1)
  }
}

/**
 * Slows down guessing of the facilitator token or a board key: after `freeTries` wrong secrets
 * from one address within `windowMs`, that address is refused (even with the right secret)
 * for a lockout that doubles with each further wrong try, up to `maxLockMs`. Loopback is not
 * exempt: a guess is a guess.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, { count: number; first: number; lockedUntil: number }>()

  constructor(
    private readonly freeTries = 10,
    private readonly windowMs = 10 * 60_000,
    private readonly baseLockMs = 2_000,
    private readonly maxLockMs = 5 * 60_000,
  ) {}

  /** Whether this address may try a secret now. */
  allowed(address: string, now = Date.now()): boolean {
    const f = this.failures.get(address)
    return !f || f.lockedUntil <= now
  }

  failed(address: string, now = Date.now()): void {
    let f = this.failures.get(address)
    if (!f || now - f.first > this.windowMs) f = { count: 0, first: now, lockedUntil: 0 }
    f.count++
    if (f.count > this.freeTries) f.lockedUntil = now + Math.min(this.maxLockMs, this.baseLockMs * 2 ** (f.count - this.freeTries - 1))
    this.failures.set(address, f)
  }

  sweep(now = Date.now()): void {
    for (const [a, f] of this.failures) if (now - f.first > this.windowMs && f.lockedUntil <= now) this.failures.delete(a)
  }
}
