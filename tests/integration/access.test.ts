import { describe, expect, it } from 'vitest'
import { kioskForTest, tryUpgrade } from '../helpers/kiosk.ts'

describe('guessing the facilitator token', () => {
  it('slows an address down after repeated wrong tokens, on every transport, even with the right one', async () => {
    const kiosk = await kioskForTest()
    const links = await kiosk.createSession()
    const call = (token: string) => fetch(`${kiosk.url}/api/sessions`, { headers: { authorization: `Bearer ${token}` } })
    for (let i = 0; i < 10; i++) expect((await call(`guess-${i}`)).status).toBe(401)
    expect((await call('guess-11')).status).toBe(401) // the 11th wrong one starts the lockout
    expect((await call(kiosk.token)).status).toBe(429)
    await expect(kiosk.facilitator(links.id)).rejects.toMatchObject({ data: { code: 'rate_limited' } })
    expect(await tryUpgrade(`${kiosk.url.replace('http', 'ws')}/yjs/${links.id}?token=${kiosk.token}`)).toBe(429)
    // phones are not affected: they present no secret
    await expect(kiosk.phone(links.id)).resolves.toBeTruthy()
  })
})
