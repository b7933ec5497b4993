import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { io } from 'socket.io-client'
import { createServer } from '../server/app.ts'
import { makeConfig } from '../server/config.ts'
import { quietLogger } from '../server/log.ts'
import { LIMITS } from '../shared/limits.ts'
import { bigRecord } from './stall.ts'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurumaza-stall-'))
const kiosk = await createServer(makeConfig({ port: 0, host: '127.0.0.1', dataDir, log: quietLogger([]), durability: 'normal', limits: LIMITS }))
const body = new TextEncoder().encode(JSON.stringify(bigRecord(LIMITS.maxNotesPerSession)))
const res = await fetch(`${kiosk.url}/api/sessions/import`, { method: 'POST', headers: { authorization: `Bearer ${kiosk.token}`, 'content-type': 'application/json' }, body })
const { id } = (await res.json()) as { id: string }
await new Promise((r) => setTimeout(r, 500))
const gaps: Array<[number, number]> = []
let last = process.hrtime.bigint()
const probe = setInterval(() => { const now = process.hrtime.bigint(); if (now - last > 8_000_000n) gaps.push([Number(last / 1000n), Number(now / 1000n)]); last = now }, 1)
const fac = io(kiosk.url, { auth: { session: id, token: kiosk.token }, transports: ['websocket'], forceNew: true })
await new Promise<void>((r) => fac.once('connect', () => r()))
await new Promise((r) => setTimeout(r, 300))
clearInterval(probe)
fs.writeFileSync('/tmp/import-stall-gaps.json', JSON.stringify(gaps))
console.log('gaps', gaps.map(([a, b]) => ((b - a) / 1000).toFixed(1)).join(' '))
fac.close()
await kiosk.close()
process.exit(0)
