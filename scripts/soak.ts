/**
 * Soak: a room of phones posting and voting against the real kiosk for a bounded time, on
 * 127.0.0.1 only. Watches the kiosk's memory, open file descriptors and active handles, and how
 * long the console's session list takes to answer. Stops by itself.
 *
 *   npm run soak                      # 300 phones, 10 minutes
 *   npm run soak -- --phones 50 --minutes 1
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { buildServer, KIOSK_ARGS } from './build.mjs'
import { io, type Socket } from 'socket.io-client'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`)
  return v
}
const PHONES = Math.min(arg('phones', 300), 1_000)
const MINUTES = Math.min(arg('minutes', 10), 60)
const TOKEN = 'soak-token-0123456789abcdefghijklmnopqrstuv'
const NOTES = fs.readFileSync(path.join(root, 'tests', 'fixtures', 'notes-ja.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))

await buildServer()
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurumaza-soak-'))
const server = spawn(process.execPath, KIOSK_ARGS, {
  env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, FACILITATOR_TOKEN: TOKEN },
  stdio: ['ignore', 'pipe', 'inherit'],
})
let out = ''
server.stdout.on('data', (d) => (out += d))
const url = await new Promise<string>((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('kiosk did not start')), 20_000)
  server.stdout.on('data', () => {
    const m = /http:\/\/localhost:(\d+)\/f\?token=/.exec(out)
    if (m) {
      clearTimeout(t)
      resolve(`http://127.0.0.1:${m[1]}`)
    }
  })
})
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
const session = await (await fetch(`${url}/api/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ title: 'soak' }) })).json()

const stats = { sent: 0, acked: 0, refused: 0, lost: 0, votes: 0, reconnects: 0 }
const errors = new Map<string, number>()
const deadline = Date.now() + MINUTES * 60_000
const fac = io(url, { auth: { session: session.id, token: TOKEN }, transports: ['websocket'] })

function phone(i: number): Promise<void> {
  return new Promise((resolve) => {
    const connect = () => {
      const s: Socket = io(url, { auth: { session: session.id, deviceId: `soak-${i}` }, transports: ['websocket'], forceNew: true })
      // When a vote opens, spend the dots on random notes, as people do.
      s.on('vote:ballot', async (ballot) => {
        if (!ballot?.open) return
        for (let d = 0; d < ballot.remaining && ballot.notes.length > 0; d++) {
          const note = ballot.notes[Math.floor(Math.random() * ballot.notes.length)]
          const ack = await s.timeout(15_000).emitWithAck('vote:cast', { noteId: note.noteId }).catch(() => null)
          if (ack?.ok) stats.votes++
        }
      })
      return s
    }
    let socket = connect()
    const loop = async () => {
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20_000 + Math.random() * 20_000))
        if (Date.now() >= deadline) break
        if (Math.random() < 0.05) {
          // a phone that drops off the Wi-Fi and comes back
          socket.close()
          socket = connect()
          stats.reconnects++
        }
        stats.sent++
        try {
          const ack = await socket.timeout(15_000).emitWithAck('note:create', { id: `${i}-${stats.sent}-${Math.random()}`, text: NOTES[stats.sent % NOTES.length] })
          if (ack.ok) stats.acked++
          else {
            stats.refused++
            errors.set(ack.error, (errors.get(ack.error) ?? 0) + 1)
          }
        } catch {
          stats.lost++
        }
      }
      socket.close()
      resolve()
    }
    void loop()
  })
}

const samples: Array<{ minute: number; rssMB: number; heapMB: number; fds: number; handles: number; connections: number; listMs: number; acked: number }> = []
const sample = async () => {
  const t0 = performance.now()
  await fetch(`${url}/api/sessions`, { headers: auth })
  const listMs = performance.now() - t0
  const st = await (await fetch(`${url}/api/status`, { headers: auth })).json()
  const fds = fs.readdirSync(`/proc/${server.pid}/fd`).length
  samples.push({
    minute: Math.round(((Date.now() - (deadline - MINUTES * 60_000)) / 60_000) * 10) / 10,
    rssMB: Math.round(st.rssBytes / 1e5) / 10,
    heapMB: Math.round(st.heapUsedBytes / 1e5) / 10,
    fds,
    handles: st.activeHandles,
    connections: st.connections,
    listMs: Math.round(listMs * 10) / 10,
    acked: stats.acked,
  })
  console.log(samples.at(-1))
}
const sampler = setInterval(() => void sample(), 30_000)
// Halfway through, the facilitator runs a vote.
setTimeout(() => fac.emit('vote:open', { perPhone: 3, maxPerNote: 1 }, () => {}), (MINUTES * 60_000) / 2).unref()

console.log(`soak: ${PHONES} phones for ${MINUTES} min against ${url} (data in ${dataDir})`)
await Promise.all(Array.from({ length: PHONES }, (_, i) => phone(i)))
clearInterval(sampler)
await sample()
fac.close()
server.kill('SIGTERM')

const first = samples[Math.min(1, samples.length - 1)]!
const last = samples.at(-1)!
console.log('\n| measure | start | end |\n| --- | --- | --- |')
for (const k of ['rssMB', 'heapMB', 'fds', 'handles', 'connections', 'listMs'] as const) console.log(`| ${k} | ${first[k]} | ${last[k]} |`)
console.log(`\nnotes sent ${stats.sent}, acknowledged ${stats.acked}, refused ${stats.refused} ${JSON.stringify(Object.fromEntries(errors))}, unanswered ${stats.lost}, reconnects ${stats.reconnects}, dots placed ${stats.votes}`)
console.log(`slowest console list: ${Math.max(...samples.map((s) => s.listMs))} ms`)
process.exit(stats.lost > 0 ? 1 : 0)
