import { describe, expect, it } from 'vitest'
import { isLoopback } from '../../server/guard.ts'
import { AddressAllowance, type Spend } from '../../server/realtime/allowance.ts'

const limits = { maxPhonesPerAddress: 3, budgetActionsBurstPerAddress: 100, budgetActionsPerMinutePerAddress: 60 }
const spend = (phoneKey: string, over: Partial<Spend> = {}): Spend => ({
  kind: 'vote',
  session: 's1',
  scope: 'v1',
  address: '192.0.2.7',
  phoneKey,
  adds: true,
  ...over,
})

describe('AddressAllowance', () => {
  it('lets only so many phones spend from one address in one scope, and each of them again', () => {
    const a = new AddressAllowance(limits, isLoopback)
    expect(['p1', 'p2', 'p3', 'p4'].map((p) => a.take(spend(p)))).toEqual([true, true, true, false])
    expect(a.take(spend('p1'))).toBe(true)
    // giving back never needs a place
    expect(a.take(spend('p4', { adds: false }))).toBe(true)
  })

  it('counts each scope, session and address on its own', () => {
    const a = new AddressAllowance(limits, isLoopback)
    for (const p of ['p1', 'p2', 'p3']) a.take(spend(p))
    expect(a.take(spend('p4'))).toBe(false)
    expect(a.take(spend('p4', { scope: 'v2' }))).toBe(true)
    expect(a.take(spend('p4', { session: 's2' }))).toBe(true)
    expect(a.take(spend('p4', { address: '198.51.100.1' }))).toBe(true)
  })

  it('shares one rate among the phones of an address, refilled over time', () => {
    const a = new AddressAllowance({ ...limits, maxPhonesPerAddress: 100, budgetActionsBurstPerAddress: 2 }, isLoopback)
    const t = 1_000_000
    expect([a.take(spend('p1'), t), a.take(spend('p2'), t), a.take(spend('p3'), t)]).toEqual([true, true, false])
    expect(a.take(spend('p3'), t + 1_000)).toBe(true) // 60 a minute: one a second
  })

  it('forgets a session that left memory, and passes exempt addresses by', () => {
    const a = new AddressAllowance(limits, isLoopback)
    for (const p of ['p1', 'p2', 'p3']) a.take(spend(p))
    a.forgetSession('s1')
    expect(a.take(spend('p4'))).toBe(true)
    for (let i = 0; i < 200; i++) expect(a.take(spend(`bench-${i}`, { address: '127.0.0.1' }))).toBe(true)
  })
})
