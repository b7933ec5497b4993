import type http from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'
import { isSessionId } from '../../shared/ids.ts'
import { PATHS, YJS_CLOSE } from '../../shared/protocol.ts'
import type { Kiosk } from '../context.ts'
import { boardRoom } from './rooms.ts'
import { SessionElsewhere } from '../sessions/registry.ts'
import { originAllowed, remoteAddress, secretMatches } from '../guard.ts'
import { controlFlow } from './flow.ts'
import { SyncQueue } from './sync-queue.ts'
import type { LiveSession } from '../sessions/session.ts'

type Access = 'read' | 'write'

/** Answer an upgrade with an HTTP error and close the socket once the answer is out. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`)
}

export interface YjsUpgrades {
  /** Take an upgrade whose path is under `/yjs/`: refuse it over HTTP, or open the board. */
  handle(req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL): void
  close(): void
}

/**
 * `/yjs/<id>` upgrades are checked here (origin, session, key or token, connection caps) BEFORE
 * the upgrade, so a refused caller never gets a socket and no document is ever made for an
 * unknown id. A connection is counted, and holds its session, only once `ws` has made it (ws may
 * still refuse a malformed handshake itself), and is released when it closes, whatever closes it.
 */
export function yjsUpgrades(kiosk: Kiosk): YjsUpgrades {
  const { limits } = kiosk.config
  const log = kiosk.log.child('yjs')
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxYjsMessageBytes })
  const syncQueue = new SyncQueue(limits.yjsFullSyncReuseMs, 3, (err) => log.error('could not answer a sync:', err), kiosk.sessions.mirrors)

  const handle = (req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL) => {
    if (!originAllowed(req, kiosk.publicOrigin)) return refuseUpgrade(socket, 403, 'Forbidden')
    const id = url.pathname.slice(`${PATHS.yjs}/`.length)
    if (!isSessionId(id)) return refuseUpgrade(socket, 404, 'Not Found')
    const row = kiosk.sessions.row(id)
    if (!row) return refuseUpgrade(socket, 404, 'Not Found')
    const address = remoteAddress(req, kiosk.config.trustedProxies)
    if (!kiosk.authFailures.allowed(address)) return refuseUpgrade(socket, 429, 'Too Many Requests')
    let access: Access | undefined
    if (secretMatches(url.searchParams.get('token'), kiosk.token)) access = 'write'
    else if (secretMatches(url.searchParams.get('key'), row.boardKey)) access = 'read'
    if (!access) {
      if (url.searchParams.has('token') || url.searchParams.has('key')) kiosk.authFailures.failed(address)
      return refuseUpgrade(socket, 401, 'Unauthorized')
    }
    if (!kiosk.connections.allows(address)) return refuseUpgrade(socket, 429, 'Too Many Requests')
    const granted = access
    const live = kiosk.sessions.get(id)
    if (live) return open(req, socket, head, id, live, granted, address)
    // The session loads over several turns: the socket may fail or go meanwhile.
    const ignore = () => {}
    socket.on('error', ignore)
    kiosk.sessions.load(id).then(
      (session) => {
        socket.off('error', ignore)
        if (socket.destroyed) return
        if (!session) return refuseUpgrade(socket, 404, 'Not Found')
        open(req, socket, head, id, session, granted, address)
      },
      (err: unknown) => {
        socket.off('error', ignore)
        // Another node holds it and has been asked to let go: y-websocket tries again by itself.
        // Any other failure: a session whose store cannot be read is refused, never allowed to
        // end the process.
        if (!(err instanceof SessionElsewhere)) kiosk.log.error(`session ${id} could not be loaded:`, err)
        if (!socket.destroyed) refuseUpgrade(socket, 503, 'Service Unavailable')
      },
    )
  }

  const open = (req: http.IncomingMessage, socket: Duplex, head: Buffer, id: string, session: LiveSession, granted: Access, address: string) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', (err) => log.debug('socket error:', err.message))
      const release = kiosk.connections.admit(address)
      if (!release) return ws.close(YJS_CLOSE.overCap.code, YJS_CLOSE.overCap.reason)
      kiosk.sessions.hold(session)
      ws.once('close', () => {
        release()
        kiosk.sessions.release(session)
      })
      const doc = granted === 'read' ? session.board : session.doc
      controlFlow(ws, { access: granted, doc, limits, log, label: `${granted === 'read' ? 'board' : 'console'} ${id} from ${address}`, syncQueue })
      try {
        // Readers get the board's projection; flow control drops their writes besides.
        setupWSConnection(ws, req, { docName: granted === 'read' ? boardRoom(id) : id })
      } catch (err) {
        log.error('could not open the board:', err)
        ws.terminate()
      }
    })
  }

  return {
    handle,
    close() {
      syncQueue.close()
      for (const ws of wss.clients) ws.terminate()
      wss.close()
    },
  }
}
