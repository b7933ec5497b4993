import { describe, expect, it, onTestFinished } from 'vitest'
import { io } from 'socket.io-client'
import WebSocket from 'ws'
import { tempDir } from '../helpers/kiosk.ts'
import { exited, spawnKiosk } from '../helpers/process.ts'
import { rawSocket, upgradeRequest } from '../helpers/raw.ts'

const TOKEN = 'shutdown-token-abcdefghijklmnopqrstuvwxyz0123'

describe('stopping the kiosk', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('exits cleanly within a few seconds of %s, whatever sockets are still open', async (signal) => {
    const k = await spawnKiosk({ DATA_DIR: tempDir(), FACILITATOR_TOKEN: TOKEN })
    onTestFinished(() => {
      if (k.child.exitCode === null) k.child.kill('SIGKILL')
    })
    const port = Number(new URL(k.url).port)
    const res = await fetch(`${k.url}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: '終わりの会' }),
    })
    const links = (await res.json()) as { id: string; boardUrl: string }
    const key = new URL(links.boardUrl).searchParams.get('key')

    // a phone and a board that do nothing wrong
    const phone = io(k.url, { auth: { session: links.id }, transports: ['websocket'], reconnection: false, forceNew: true })
    await new Promise<void>((resolve, reject) => phone.once('connect', () => resolve()).once('connect_error', reject))
    const board = new WebSocket(`${k.url.replace('http', 'ws')}/yjs/${links.id}?key=${key}`)
    await new Promise((resolve) => board.once('open', resolve))
    board.pause() // and stops reading
    // and the sockets that used to keep a kiosk up
    const held = [
      await rawSocket(port, upgradeRequest('/x/../socket.io/?EIO=4&transport=websocket')),
      await rawSocket(port, 'GET /healthz HTTP/1.1\r\nHost: kiosk.test\r\n'), // headers never finished
      await rawSocket(port, 'GET /healthz HTTP/1.1\r\nHost: kiosk.test\r\n\r\n'), // kept alive, idle
    ]
    const halfOpen = await rawSocket(port, upgradeRequest(`/yjs/${links.id}?key=${key}`))
    halfOpen.end() // the client's side is closed (the kiosk sees CLOSE-WAIT)
    for (const s of held) s.on('data', () => {}).pause()
    await new Promise((r) => setTimeout(r, 300))

    k.child.kill(signal)
    const outcome = await Promise.race([exited(k.child), new Promise((r) => setTimeout(() => r('still running after 10 s'), 10_000))])
    expect(outcome).toBe(0)
    expect(k.output()).not.toContain('did not close within')
    phone.close()
    board.terminate()
    for (const s of [...held, halfOpen]) s.destroy()
  })
})
