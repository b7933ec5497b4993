/**
 * The floor for the bench: a bare Socket.io relay with the kiosk's wire shape and none of its
 * work. Phones connect with the same handshake and emit `note:create`; the relay acks each note
 * at once and emits it to every board socket (handshake auth `{ role: 'board' }`) as `note`.
 * No validation, no storage, no Yjs, no limits.
 *
 *   HOST=127.0.0.1 PORT=0 npx tsx bench/bare-relay.ts     # prints "relay listening on http://…"
 *
 * bench/run.ts starts it as a child process, next to the real kiosk, and sends it the same load.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'

const host = process.env.HOST || '127.0.0.1'
const port = Number(process.env.PORT || 0)

const server = http.createServer()
const io = new Server(server, { serveClient: false, maxHttpBufferSize: 64 * 1024 })

io.on('connection', (socket) => {
  const auth = (socket.handshake.auth ?? {}) as { role?: string }
  if (auth.role === 'board') {
    void socket.join('boards')
    return
  }
  socket.on('note:create', (payload: { text?: unknown } | undefined, ack: unknown) => {
    if (typeof ack !== 'function') return
    const noteId = crypto.randomBytes(12).toString('base64url')
    io.to('boards').emit('note', { id: noteId, text: payload?.text })
    ack({ ok: true, noteId })
  })
})

server.listen(port, host, () => {
  const { port: bound } = server.address() as AddressInfo
  console.log(`relay listening on http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`)
})

const stop = () => {
  io.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 2_000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
