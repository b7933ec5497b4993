/**
 * Behind the proxy of several nodes every connection comes from the proxy's address: per-address
 * limits count the address the proxy forwards instead, but only when the peer is a configured
 * proxy (TRUSTED_PROXIES), and only the address that proxy appended last.
 */
import { describe, expect, it } from 'vitest'
import { kioskForTest } from '../helpers/kiosk.ts'

const PROXY = '127.0.0.2'
const from = (localAddress: string, forwarded: string) => ({ localAddress, extraHeaders: { 'x-forwarded-for': forwarded } })

describe('addresses through a trusted proxy', () => {
  it('counts each forwarded address on its own from the proxy, and ignores X-Forwarded-For from anyone else', async () => {
    const kiosk = await kioskForTest({ loopbackExempt: false, trustedProxies: [PROXY], limits: { maxConnectionsPerAddress: 2 } as never })
    const links = await kiosk.createSession()
    // Through the proxy: two phones at 10.0.0.1 fill its allowance; 10.0.0.2 is someone else.
    await kiosk.phone(links.id, from(PROXY, '10.0.0.1'))
    await kiosk.phone(links.id, from(PROXY, '10.0.0.1'))
    await expect(kiosk.phone(links.id, from(PROXY, '10.0.0.1'))).rejects.toThrow('rate_limited')
    await expect(kiosk.phone(links.id, from(PROXY, '10.0.0.2'))).resolves.toBeTruthy()
    // A phone that writes its own X-Forwarded-For gets it kept in front of the real one: the last counts.
    await expect(kiosk.phone(links.id, from(PROXY, '10.0.0.9, 10.0.0.1'))).rejects.toThrow('rate_limited')
    // Not the proxy: its X-Forwarded-For is a phone's claim, and the peer's own address counts.
    await kiosk.phone(links.id, from('127.0.0.3', '10.0.0.3'))
    await kiosk.phone(links.id, from('127.0.0.3', '10.0.0.4'))
    await expect(kiosk.phone(links.id, from('127.0.0.3', '10.0.0.5'))).rejects.toThrow('rate_limited')
  })
})
