/**
 * Crash drill: phones post while the kiosk is killed with SIGKILL, several times over; after
 * each restart every acknowledged note must be on the board exactly once, and phones resending
 * everything they sent (acknowledged or not, same ids) must make no doubles. 127.0.0.1 only,
 * bounded: `--phones` (default 200) × `--rounds` (default 3).
 *
 *   npm run crash
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { buildServer, KIOSK_ARGS } from './build.mjs'
import { io, type Socket } from 'socket.io-client'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Math.max(1, Math.min(Number(process.argv[i + 1]) || fallback, 1_000)) : fallback
}
const PHONES = arg('phones', 200)
const ROUNDS = arg('rounds', 3)
const TOKEN = 'crash-drill-token-0123456789abcdefghijklmn'
await buildServer()
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurumaza-crash-'))

function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, KIOSK_ARGS, {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, FACILITATOR_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('kiosk did not start')), 20_000)
    child.stdout!.on('data', (d) => {
      out += d
      const m = /http:\/\/localhost:(\d+)\/f\?token=/.exec(out)
      if (m) {
        clearTimeout(t)
        resolve({ child, url: `http://127.0.0.1:${m[1]}` })
      }
    })
  })
}

async function boardNoteIds(url: string, id: string): Promise<string[]> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${url.replace('http', 'ws')}/yjs`, id, doc, {
    params: { token: TOKEN },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  await new Promise<void>((r) => provider.once('sync', () => r()))
  const ids = [...doc.getMap('notes').keys()]
  provider.destroy()
  return ids
}

const connect = (url: string, session: string, p: number) =>
  new Promise<Socket>((resolve) => {
    const s = io(url, { auth: { session, deviceId: `drill-${p}` }, transports: ['websocket'], reconnection: false, forceNew: true })
    s.once('connect', () => resolve(s))
  })

let kiosk = await start()
const session = await (
  await fetch(`${kiosk.url}/api/sessions`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'crash drill' }) })
).json()
const acked = new Map<string, string>()
const sent = new Map<string, number>()
let failures = 0

for (let round = 1; round <= ROUNDS; round++) {
  const phones = await Promise.all(Array.from({ length: PHONES }, (_, p) => connect(kiosk.url, session.id, p)))
  let killed = false
  const loops = phones.map(async (s, p) => {
    for (let i = 0; i < 4 && !killed; i++) {
      const id = `r${round}-p${p}-n${i}`
      sent.set(id, p)
      const ack = await s.timeout(10_000).emitWithAck('note:create', { id, text: `drill ${id}` }).catch(() => null)
      if (ack?.ok) acked.set(id, ack.noteId)
    }
  })
  const target = acked.size + Math.floor(PHONES * (1 + Math.random()))
  while (acked.size < target) await new Promise((r) => setTimeout(r, 2))
  kiosk.child.kill('SIGKILL')
  killed = true
  await Promise.all(loops)
  for (const s of phones) s.close()
  const ackedBefore = acked.size

  kiosk = await start()
  const onBoard = new Set(await boardNoteIds(kiosk.url, session.id))
  const missing = [...acked.values()].filter((n) => !onBoard.has(n))
  // every phone comes back and resends all it ever sent, with the same ids
  const again = await Promise.all(Array.from({ length: PHONES }, (_, p) => connect(kiosk.url, session.id, p)))
  let changed = 0
  await Promise.all(
    again.map(async (s, p) => {
      for (const [id, owner] of sent) {
        if (owner !== p) continue
        const ack = await s.timeout(10_000).emitWithAck('note:create', { id, text: `drill ${id}` })
        if (!ack.ok) throw new Error(`resend of ${id} refused: ${ack.error}`)
        if (acked.has(id) && acked.get(id) !== ack.noteId) changed++
        acked.set(id, ack.noteId)
      }
    }),
  )
  for (const s of again) s.close()
  const finalIds = await boardNoteIds(kiosk.url, session.id)
  const ok = missing.length === 0 && changed === 0 && finalIds.length === sent.size
  if (!ok) failures++
  console.log(
    `round ${round}: killed with ${ackedBefore} acknowledged; after restart ${missing.length} missing; ` +
      `resent ${sent.size}: ${changed} answered differently, board has ${finalIds.length} notes for ${sent.size} ids: ${ok ? 'OK' : 'FAIL'}`,
  )
}
kiosk.child.kill('SIGTERM')
console.log(failures === 0 ? `crash drill passed: ${ROUNDS} kills, ${sent.size} notes, nothing lost, nothing doubled` : `crash drill FAILED in ${failures} round(s)`)
process.exit(failures === 0 ? 0 : 1)
