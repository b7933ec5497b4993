import { describe, expect, it } from 'vitest'
import { ConnectionCounter, isLoopback, RateLimiter, secretMatches } from '../../server/guard.ts'
import { isSessionId, newBoardKey, newSessionId, newToken } from '../../shared/ids.ts'

describe('rate limits', () => {
  it('lets a burst through, then refills at the configured rate', () => {
    const rl = new RateLimiter(3, 60) // one a second
    const t = 1_000_000
    expect([rl.take('p', t), rl.take('p', t), rl.take('p', t), rl.take('p', t)]).toEqual([true, true, true, false])
    expect(rl.take('p', t + 500)).toBe(false)
    expect(rl.take('p', t + 1_600)).toBe(true)
    expect(rl.take('other', t)).toBe(true)
  })

  it('forgets buckets that have refilled', () => {
    const rl = new RateLimiter(2, 60)
    rl.take('p', 0)
    rl.sweep(10_000)
    expect((rl as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(0)
  })
})

describe('connection caps', () => {
  it('caps per address except loopback, and in total', () => {
    const c = new ConnectionCounter(2, 5)
    expect([c.open('10.0.0.5'), c.open('10.0.0.5'), c.open('10.0.0.5')]).toEqual([true, true, false])
    expect([c.open('127.0.0.1'), c.open('::1'), c.open('::ffff:127.0.0.1')]).toEqual([true, true, true])
    expect(c.open('10.0.0.6')).toBe(false) // total reached
    c.close('10.0.0.5')
    expect(c.open('10.0.0.6')).toBe(true)
  })

  it('admits a connection with a release that counts once, from whichever path calls it first', () => {
    const c = new ConnectionCounter(1, 2)
    const release = c.admit('10.0.0.5')!
    expect(c.allows('10.0.0.5')).toBe(false)
    expect(c.admit('10.0.0.5')).toBeUndefined()
    const other = c.admit('10.0.0.6')!
    release()
    release() // the error path and the close path both call it
    expect(c.total).toBe(1)
    expect(c.allows('10.0.0.5')).toBe(true)
    other()
    expect(c.total).toBe(0)
  })

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true])
    expect(['10.0.0.1', '::ffff:192.0.2.1', undefined].map(isLoopback)).toEqual([false, false, false])
  })
})

describe('secrets and ids', () => {
  it('matches only the exact token', () => {
    const token = newToken()
    expect(secretMatches(token, token)).toBe(true)
    expect(secretMatches(token.slice(0, -1), token)).toBe(false)
    expect(secretMatches('', token)).toBe(false)
    expect(secretMatches(undefined, token)).toBe(false)
    expect(secretMatches(['x'], token)).toBe(false)
  })

  it('makes board keys of at least 96 bits and unique session ids', () => {
    expect(newBoardKey()).toMatch(/^[A-Za-z0-9_-]{22}$/) // 22 × 6 = 132 bits
    const ids = new Set(Array.from({ length: 2_000 }, newSessionId))
    expect(ids.size).toBe(2_000)
    for (const id of ids) expect(isSessionId(id)).toBe(true)
    expect(isSessionId('../etc')).toBe(false)
    expect(isSessionId('ABCDEFGHJK')).toBe(false)
  })
})

describe('guessing secrets', () => {
  it('refuses an address for a doubling while after too many wrong secrets', async () => {
    const { AuthThrottle } = await import('../../server/guard.ts')
    const t = new AuthThrottle(3, 60_000, 1_000, 8_000)
    for (let i = 0; i < 3; i++) t.failed('10.0.0.9', 0)
    expect(t.allowed('10.0.0.9', 0)).toBe(true)
    t.failed('10.0.0.9', 0) // 4th: locked 1 s
    expect(t.allowed('10.0.0.9', 500)).toBe(false)
    expect(t.allowed('10.0.0.9', 1_001)).toBe(true)
    t.failed('10.0.0.9', 1_001) // 5th: locked 2 s
    expect(t.allowed('10.0.0.9', 2_500)).toBe(false)
    expect(t.allowed('10.0.0.9', 3_002)).toBe(true)
    expect(t.allowed('10.0.0.10', 500)).toBe(true)
  })
})
