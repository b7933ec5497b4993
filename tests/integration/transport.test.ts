import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import WebSocket from 'ws'
import type { Config } from '../../server/config.ts'
import { quietLogger } from '../../server/log.ts'
import { routeUpgrades } from '../../server/upgrades.ts'
import { emitAck, kioskForTest, type TestKiosk } from '../helpers/kiosk.ts'
import { rawExchange, upgradeRequest } from '../helpers/raw.ts'
import { waitFor } from '../helpers/wait.ts'

const limits = (l: Partial<Config['limits']>) => l as Config['limits']

const keyOf = (boardUrl: string) => new URL(boardUrl).searchParams.get('key') ?? ''

/** Handshake-level ways `ws` refuses an upgrade after the kiosk has checked the key. */
const BROKEN_HANDSHAKES: Array<[string, Record<string, string>, string?]> = [
  ['a bad Sec-WebSocket-Key', { 'Sec-WebSocket-Key': 'not-a-key' }],
  ['an unsupported version', { 'Sec-WebSocket-Version': '12' }],
  ['a POST', {}, 'POST'],
  ['another Upgrade protocol', { Upgrade: 'h2c' }],
]

async function everythingReleased(kiosk: TestKiosk, sessionId: string) {
  await waitFor(() => {
    expect(kiosk.kiosk.connections.total).toBe(0)
    expect(kiosk.kiosk.transports.total).toBe(0)
    expect(kiosk.kiosk.sessions.loaded().map((s) => s.row.id)).not.toContain(sessionId)
  })
}

describe('connections are counted only while they exist', () => {
  it.each(BROKEN_HANDSHAKES)('releases a /yjs upgrade that ws refuses for %s, so the room still gets in', async (_name, headers, method) => {
    const kiosk = await kioskForTest({ limits: limits({ maxConnectionsTotal: 40 }), idleUnloadMs: 200 })
    const links = await kiosk.createSession()
    const request = upgradeRequest(`/yjs/${links.id}?key=${keyOf(links.boardUrl)}`, headers, method)
    for (let round = 0; round < 6; round++) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => rawExchange(kiosk.port, request)))
      for (const a of answers) {
        expect(a.closed).toBe(true)
        expect(a.received).toMatch(/^HTTP\/1\.1 4\d\d /)
      }
    }
    expect(kiosk.kiosk.connections.total).toBe(0)
    // the facilitator, a phone and a board all still get in, and leave nothing behind
    const fac = await kiosk.facilitator(links.id)
    const phone = await kiosk.phone(links.id, { deviceId: 'after-the-flood' })
    const board = await kiosk.board(links)
    expect((await emitAck<{ ok: boolean }>(phone, 'note:create', { id: 'n1', text: 'まだ入れる' })).ok).toBe(true)
    expect(kiosk.kiosk.connections.total).toBe(3)
    fac.close()
    phone.close()
    board.provider.destroy()
    await everythingReleased(kiosk, links.id)
  })

  it('releases a Socket.io connection whose transport closes right behind its connect packet', async () => {
    const kiosk = await kioskForTest({ idleUnloadMs: 200 })
    const links = await kiosk.createSession()
    for (let i = 0; i < 10; i++) {
      const open = await fetch(`${kiosk.url}/socket.io/?EIO=4&transport=polling`)
      const sid = (JSON.parse((await open.text()).slice(1)) as { sid: string }).sid
      // one payload: connect to the default namespace, then close the transport (Engine.IO "1")
      const res = await fetch(`${kiosk.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
        method: 'POST',
        body: `40${JSON.stringify({ session: links.id })}\u001e1`,
      })
      expect(res.status).toBe(200)
    }
    await everythingReleased(kiosk, links.id)
  })

  it('releases connections that end every other way: client close, server refusal, session deleted', async () => {
    const kiosk = await kioskForTest({ idleUnloadMs: 200 })
    const links = await kiosk.createSession()
    const phones = await Promise.all(Array.from({ length: 5 }, (_, i) => kiosk.phone(links.id, { deviceId: `p${i}` })))
    const boards = await Promise.all(Array.from({ length: 3 }, () => kiosk.board(links)))
    await expect(kiosk.facilitator(links.id, 'wrong-token')).rejects.toMatchObject({ data: { code: 'unauthorized' } })
    expect(kiosk.kiosk.connections.total).toBe(8)
    for (const p of phones.slice(0, 2)) p.close()
    boards[0]!.provider.destroy()
    await waitFor(() => expect(kiosk.kiosk.connections.total).toBe(5))
    const res = await fetch(`${kiosk.url}/api/sessions/${links.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${kiosk.token}` } })
    expect(res.status).toBe(204)
    for (const b of boards) b.provider.disconnect()
    await everythingReleased(kiosk, links.id)
  })

  it('caps Engine.IO handshakes that never name a session (long-polling included), and frees them', async () => {
    const kiosk = await kioskForTest({ limits: limits({ maxTransportsTotal: 20, socketConnectTimeoutMs: 3_000 }), idleUnloadMs: 200 })
    const links = await kiosk.createSession()
    const statuses = await Promise.all(Array.from({ length: 60 }, () => fetch(`${kiosk.url}/socket.io/?EIO=4&transport=polling`).then((r) => r.status)))
    expect(statuses.filter((s) => s === 200)).toHaveLength(20)
    expect(statuses.filter((s) => s === 403)).toHaveLength(40)
    // nobody named a session: they time out, and the room gets in again
    await waitFor(() => expect(kiosk.kiosk.transports.total).toBe(0), 15_000)
    const phone = await kiosk.phone(links.id)
    expect((await emitAck<{ ok: boolean }>(phone, 'note:create', { id: 'n', text: 'ok' })).ok).toBe(true)
    phone.close()
    await everythingReleased(kiosk, links.id)
  })
})

/** Upgrade requests whose path is, or normalises to, something Socket.io does not match. */
const STRAY_UPGRADES = [
  '/x/../socket.io/?EIO=4&transport=websocket',
  '/yjs/../socket.io/?EIO=4&transport=websocket',
  '/%73ocket.io/?EIO=4&transport=websocket',
  '/socket.io%2F?EIO=4&transport=websocket',
  '//socket.io/?EIO=4&transport=websocket',
  '/./socket.io/?EIO=4&transport=websocket',
  '/socket.io?EIO=4&transport=websocket',
  '/?/socket.io/',
  '/yjs?x=/socket.io/',
  'http://kiosk.test/socket.io/?EIO=4&transport=websocket',
  '/socket.io/?EIO=4&transport=websocket&transport=polling',
  '/socket.io/?EIO=4&transport=polling',
  '/socket.io/?EIO=4',
  '*',
]

describe('every upgrade has one owner that answers it', () => {
  it.each(STRAY_UPGRADES)('answers or closes an upgrade to %s at once, leaving no socket open', async (path) => {
    const kiosk = await kioskForTest()
    const answer = await rawExchange(kiosk.port, upgradeRequest(path))
    expect(answer.closed).toBe(true)
    expect(answer.received).toMatch(/^HTTP\/1\.1 4\d\d /)
    await waitFor(() => expect(kiosk.openSockets()).resolves.toBe(0))
  })

  it('closes an upgrade its owner never answers, after the answer timeout', async () => {
    // an owner with a bug: it takes the upgrade and does nothing
    const server = http.createServer()
    const taken: string[] = []
    routeUpgrades(server, {
      socketIo: (req) => taken.push(req.url ?? ''),
      yjs: { handle: (req) => taken.push(req.url ?? ''), close() {} },
      passThrough: [],
      answerMs: 300,
      log: quietLogger(),
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const port = (server.address() as AddressInfo).port
    const answers = await Promise.all([rawExchange(port, upgradeRequest('/socket.io/?EIO=4&transport=websocket')), rawExchange(port, upgradeRequest('/yjs/abcdefghjk'))])
    expect(taken).toHaveLength(2)
    for (const a of answers) expect(a).toEqual({ received: '', closed: true })
    await waitFor(() => expect(new Promise((r) => server.getConnections((_e, n) => r(n)))).resolves.toBe(0))
  })

  it('still opens Socket.io over WebSocket and over long-polling', async () => {
    const kiosk = await kioskForTest()
    const links = await kiosk.createSession()
    const ws = new WebSocket(`${kiosk.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`)
    const open = await new Promise<string>((resolve, reject) => {
      ws.once('message', (m) => resolve(String(m)))
      ws.once('error', reject)
    })
    expect(open).toMatch(/^0\{"sid"/)
    ws.close()
    const { io } = await import('socket.io-client')
    const phone = io(kiosk.url, { auth: { session: links.id }, transports: ['polling'], reconnection: false, forceNew: true })
    await new Promise<void>((resolve, reject) => {
      phone.once('connect', resolve)
      phone.once('connect_error', reject)
    })
    const ack = await (phone.timeout(5_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<{ ok: boolean }> }).emitWithAck('note:create', { id: 'poll', text: 'ポーリング' })
    expect(ack.ok).toBe(true)
    phone.close()
  })
})

describe('what pages may connect to', () => {
  const cspOf = (port: number, host: string) =>
    new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/healthz', headers: { host } }, (res) => {
        res.resume()
        resolve(String(res.headers['content-security-policy']))
      }).on('error', reject)
    })
  const connectSrc = (csp: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src')) ?? ''

  it('allows the kiosk itself (the host it was reached by, and PUBLIC_URL), not any WebSocket anywhere', async () => {
    const kiosk = await kioskForTest({ publicUrl: 'http://kiosk.example:8080' })
    const src = connectSrc(await cspOf(kiosk.port, `127.0.0.1:${kiosk.port}`))
    expect(src.split(' ').sort()).toEqual(
      ["'self'", 'connect-src', `ws://127.0.0.1:${kiosk.port}`, `wss://127.0.0.1:${kiosk.port}`, 'ws://kiosk.example:8080', 'wss://kiosk.example:8080'].sort(),
    )
  })

  it('names nothing for a Host header that is not a plain host', async () => {
    const kiosk = await kioskForTest()
    const csp = await cspOf(kiosk.port, 'evil.example script-src *')
    expect(connectSrc(csp).trim()).toBe("connect-src 'self'")
    expect(csp).not.toContain('*')
  })
})
