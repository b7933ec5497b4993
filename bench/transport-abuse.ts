/**
 * What a participant's or a projector's secret can do to a kiosk's transports, measured:
 * refused upgrades, stray upgrades, a board key flooding sync step 1 without reading,
 * long-polling handshakes, and how long close() takes afterwards.
 *
 *   npx tsx bench/transport-abuse.ts [project root to measure, default: this one]
 *
 * Everything runs in this process on 127.0.0.1 (the clients are cheap raw sockets), so RSS and
 * event-loop delay are the kiosk's plus a little.
 */
import net from 'node:net'
import os from 'node:os'
import fs from 'node:fs'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { io } from 'socket.io-client'
import WebSocket from 'ws'

const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'))
const { createServer } = await import(path.join(root, 'server/app.ts'))
const { makeConfig } = await import(path.join(root, 'server/config.ts'))
const { quietLogger } = await import(path.join(root, 'server/log.ts'))

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function raw(port: number, text: string, waitMs: number): Promise<{ answered: boolean; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    let answered = false
    const done = (closed: boolean) => {
      clearTimeout(t)
      s.destroy()
      resolve({ answered, closed })
    }
    const t = setTimeout(() => done(false), waitMs)
    s.on('data', () => (answered = true))
    s.on('error', () => {})
    s.on('close', () => done(true))
    s.write(text)
  })
}

const upgrade = (p: string, key = 'dGhlIHNhbXBsZSBub25jZQ==') =>
  `GET ${p} HTTP/1.1\r\nHost: k\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`

async function start() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurumaza-abuse-'))
  const k = await createServer(makeConfig({ port: 0, host: '127.0.0.1', dataDir, log: quietLogger(), durability: 'normal', limits: { notesBurstPerPhone: 1e6, notesPerMinutePerPhone: 1e6 } }))
  const auth = { authorization: `Bearer ${k.token}`, 'content-type': 'application/json' }
  const links = await (await fetch(`${k.url}/api/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ title: 'abuse' }) })).json()
  const connect = (a: Record<string, string>) =>
    new Promise<ReturnType<typeof io>>((resolve, reject) => {
      const s = io(k.url, { auth: a, transports: ['websocket'], reconnection: false, forceNew: true })
      s.once('connect', () => resolve(s)).once('connect_error', reject)
    })
  return { k, links, connect, key: new URL(links.boardUrl).searchParams.get('key') as string }
}

const results: Record<string, unknown> = { root }

{
  // 1. upgrades ws refuses after the key was checked
  const { k, links, connect, key } = await start()
  const n = 3_000
  for (let i = 0; i < n; i += 200) await Promise.all(Array.from({ length: 200 }, () => raw(k.port, upgrade(`/yjs/${links.id}?key=${key}`, 'bad'), 3_000)))
  const counted = k.kiosk.connections.total
  const facilitator = await connect({ session: links.id, token: k.token }).then(() => 'connects', (e) => `refused: ${e.data?.code ?? e.message}`)
  results.badUpgrades = { sent: n, stillCounted: counted, facilitator }
  await Promise.race([k.close(), sleep(3_000)])
}

{
  // 2. upgrades that normalise to /socket.io/
  const { k } = await start()
  const n = 200
  const answers = await Promise.all(Array.from({ length: n }, (_, i) => raw(k.port, upgrade(i % 2 ? '/x/../socket.io/?EIO=4&transport=websocket' : '/yjs/../socket.io/?EIO=4&transport=websocket'), 3_000)))
  results.strayUpgrades = { sent: n, unanswered: answers.filter((a) => !a.answered).length, leftOpenAfter3s: answers.filter((a) => !a.closed).length }
  // and close() while sockets of every kind are open
  const held = await Promise.all(Array.from({ length: 20 }, () => new Promise<net.Socket>((r) => {
    const s = net.connect(k.port, '127.0.0.1', () => r(s))
    s.on('error', () => {})
    s.write(upgrade('/x/../socket.io/?EIO=4&transport=websocket'))
  })))
  const t0 = performance.now()
  const closed = await Promise.race([k.close().then(() => true), sleep(10_000).then(() => false)])
  results.closeWithOpenSockets = closed ? `${Math.round(performance.now() - t0)} ms` : 'not closed after 10 s'
  for (const s of held) s.destroy()
}

{
  // 3. a board key that floods sync step 1 and never reads, on a 300-note board
  const { k, links, connect, key } = await start()
  const fac = await connect({ session: links.id, token: k.token })
  for (let i = 0; i < 300; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => fac.timeout(10_000).emitWithAck('note:create', { id: `n${i + j}`, text: `窓口の待ち時間が長いので、番号札をスマホに通知してほしい ${i + j}` })))
  }
  const phone = await connect({ session: links.id, deviceId: 'bystander' })
  global.gc?.()
  await sleep(500)
  const rss0 = process.memoryUsage().rss
  const loop = monitorEventLoopDelay({ resolution: 10 })
  const attacker = new WebSocket(`${k.url.replace('http', 'ws')}/yjs/${links.id}?key=${key}`)
  await new Promise((r) => attacker.once('open', r))
  attacker.on('error', () => {})
  attacker.pause()
  for (let i = 0; i < 5_000; i++) attacker.send(Buffer.from([0, 0, 1, 0]))
  // measured from here: the client's own sending loop above is not the kiosk's delay
  loop.enable()
  const t0 = performance.now()
  const ack = await phone.timeout(30_000).emitWithAck('note:create', { id: 'during', text: 'まだ?' }).then(
    () => `${Math.round(performance.now() - t0)} ms`,
    () => 'no ack in 30 s',
  )
  await sleep(3_000)
  loop.disable()
  results.stepOneFlood = {
    frames: 5_000,
    rssGrowth: mb(process.memoryUsage().rss - rss0),
    maxEventLoopDelay: `${Math.round(loop.max / 1e6)} ms`,
    phoneAckDuringFlood: ack,
    // the facilitator and the phone are the other two
    connectionsCountedAfter3s: k.kiosk.connections.total,
  }
  attacker.terminate()
  phone.close()
  fac.close()
  await Promise.race([k.close(), sleep(3_000)])
}

if (process.env.BIG) {
  // 3b. the same with 30 frames on a 20,000-note board, from 4 connections
  const { k, links, connect, key } = await start()
  const fac = await connect({ session: links.id, token: k.token })
  for (let i = 0; i < 20_000; i += 500) {
    await Promise.all(Array.from({ length: 500 }, (_, j) => fac.timeout(60_000).emitWithAck('note:create', { id: `n${i + j}`, text: `窓口の待ち時間が長いので、番号札をスマホに通知してほしい ${i + j}` })))
  }
  const phone = await connect({ session: links.id, deviceId: 'bystander' })
  const attackers = await Promise.all(Array.from({ length: 4 }, async () => {
    const a = new WebSocket(`${k.url.replace('http', 'ws')}/yjs/${links.id}?key=${key}`)
    await new Promise((r) => a.once('open', r))
    a.on('error', () => {})
    a.pause()
    return a
  }))
  await sleep(2_000)
  for (const a of attackers) for (let i = 0; i < 30; i++) a.send(Buffer.from([0, 0, 1, 0]))
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const t0 = performance.now()
  const ack = await phone.timeout(60_000).emitWithAck('note:create', { id: 'during', text: 'まだ?' }).then(
    () => `${Math.round(performance.now() - t0)} ms`,
    () => 'no ack in 60 s',
  )
  await sleep(5_000)
  loop.disable()
  results.bigBoardFlood = { notes: 20_000, connections: 4, framesEach: 30, maxEventLoopDelay: `${Math.round(loop.max / 1e6)} ms`, phoneAckDuringFlood: ack }
  for (const a of attackers) a.terminate()
  // 3c. and 40 fresh connections at once, each asking for the whole board once
  await sleep(6_000)
  const loop2 = monitorEventLoopDelay({ resolution: 10 })
  loop2.enable()
  const t1 = performance.now()
  const fresh = Array.from({ length: 40 }, () => {
    const a = new WebSocket(`${k.url.replace('http', 'ws')}/yjs/${links.id}?key=${key}`)
    a.on('error', () => {})
    a.once('open', () => a.send(Buffer.from([0, 0, 1, 0])))
    return a
  })
  await sleep(200)
  const ack2 = await phone.timeout(120_000).emitWithAck('note:create', { id: 'during-2', text: 'まだ?' }).then(
    () => `${Math.round(performance.now() - t1)} ms`,
    () => 'no ack in 120 s',
  )
  await sleep(3_000)
  loop2.disable()
  results.bigBoardFreshConnections = { connections: 40, maxEventLoopDelay: `${Math.round(loop2.max / 1e6)} ms`, phoneAckMeanwhile: ack2 }
  for (const a of fresh) a.terminate()
  await Promise.race([k.close(), sleep(3_000)])
}

{
  // 4. long-polling handshakes that never name a session
  const { k } = await start()
  global.gc?.()
  const rss0 = process.memoryUsage().rss
  const n = 5_000
  const statuses: number[] = []
  for (let i = 0; i < n; i += 250) {
    statuses.push(...(await Promise.all(Array.from({ length: 250 }, () => fetch(`${k.url}/socket.io/?EIO=4&transport=polling`).then((r) => r.status, () => 0)))))
  }
  results.pollingHandshakes = { sent: n, accepted: statuses.filter((s) => s === 200).length, rssGrowth: mb(process.memoryUsage().rss - rss0) }
  await Promise.race([k.close(), sleep(3_000)])
}

console.log(JSON.stringify(results, null, 2))
process.exit(0)
