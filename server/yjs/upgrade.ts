import type http from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import * as decoding from 'lib0/decoding'
import { setupWSConnection } from '@y/websocket-server/utils'
import { isSessionId } from '../../shared/ids.ts'
import { PATHS } from '../../shared/protocol.ts'
import type { Kiosk } from '../context.ts'
import { boardRoom } from './rooms.ts'
import { originAllowed, remoteAddress, secretMatches } from '../guard.ts'

type Access = 'read' | 'write'

const MESSAGE_SYNC = 0
const SYNC_STEP1 = 0

/**
 * Whether a read-only connection's message may reach the document: only sync step 1 (asking for
 * what it lacks). Step 2, updates and awareness would change what others see, so they are dropped.
 */
export function readOnlyMayPass(data: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(data)
    return decoding.readVarUint(decoder) === MESSAGE_SYNC && decoding.readVarUint(decoder) === SYNC_STEP1
  } catch {
    return false
  }
}

function dropWrites(ws: WebSocket): void {
  const on = ws.on.bind(ws)
  ws.on = ((event: string, listener: (...args: unknown[]) => void) => {
    if (event !== 'message') return on(event, listener)
    return on('message', (data: ArrayBuffer | Buffer, isBinary: boolean) => {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      if (readOnlyMayPass(bytes)) listener(data, isBinary)
    })
  }) as WebSocket['on']
}

function reject(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`)
}

/**
 * Routes WebSocket upgrades: `/socket.io` is left to Socket.io, `/yjs/<id>` is checked here
 * (origin, session, key or token, connection caps) BEFORE the upgrade, so a refused caller never
 * gets a socket and no document is ever made for an unknown id. Anything else is refused.
 */
export function attachYjs(httpServer: http.Server, kiosk: Kiosk, passThrough: readonly string[] = []): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: kiosk.config.limits.maxYjsMessageBytes })

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://kiosk.invalid')
    if (url.pathname.startsWith(`${PATHS.socketIo}/`) || passThrough.some((p) => url.pathname.startsWith(p))) return
    const prefix = `${PATHS.yjs}/`
    if (!url.pathname.startsWith(prefix)) return reject(socket, 404, 'Not Found')
    if (!originAllowed(req, kiosk.publicOrigin)) return reject(socket, 403, 'Forbidden')
    const id = url.pathname.slice(prefix.length)
    if (!isSessionId(id)) return reject(socket, 404, 'Not Found')
    const row = kiosk.sessions.row(id)
    if (!row) return reject(socket, 404, 'Not Found')
    const address = remoteAddress(req)
    if (!kiosk.authFailures.allowed(address)) return reject(socket, 429, 'Too Many Requests')
    let access: Access | undefined
    if (secretMatches(url.searchParams.get('token'), kiosk.token)) access = 'write'
    else if (secretMatches(url.searchParams.get('key'), row.boardKey)) access = 'read'
    if (!access) {
      if (url.searchParams.has('token') || url.searchParams.has('key')) kiosk.authFailures.failed(address)
      return reject(socket, 401, 'Unauthorized')
    }
    if (!kiosk.connections.open(address)) return reject(socket, 429, 'Too Many Requests')
    let session
    try {
      session = kiosk.sessions.get(id)
    } catch (err) {
      // A session whose store cannot be read is refused, never allowed to end the process.
      kiosk.log.error(`session ${id} could not be loaded:`, err)
      kiosk.connections.close(address)
      return reject(socket, 503, 'Service Unavailable')
    }
    if (!session) {
      kiosk.connections.close(address)
      return reject(socket, 404, 'Not Found')
    }
    kiosk.sessions.hold(session)
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('close', () => {
        kiosk.connections.close(address)
        kiosk.sessions.release(session)
      })
      ws.on('error', (err) => kiosk.log.debug('yjs socket error:', err.message))
      // Readers get the board's projection; their writes are dropped besides (defence in depth).
      if (access === 'read') dropWrites(ws)
      setupWSConnection(ws, req, { docName: access === 'read' ? boardRoom(id) : id })
    })
  }

  httpServer.on('upgrade', onUpgrade)
  return {
    close() {
      httpServer.off('upgrade', onUpgrade)
      for (const ws of wss.clients) ws.terminate()
      wss.close()
    },
  }
}
