import type http from 'node:http'
import type { Duplex } from 'node:stream'
import { PATHS } from '../shared/protocol.ts'
import type { Logger } from './log.ts'
import { refuseUpgrade, type YjsUpgrades } from './yjs/upgrade.ts'

/**
 * Whether Socket.io (Engine.IO) owns a request or an upgrade: decided on the raw `req.url`,
 * the string Engine.IO itself compares, and used for both HTTP requests and upgrades, so no
 * request is claimed by two parts or by none.
 */
export function ownedBySocketIo(rawUrl: string | undefined): boolean {
  return (rawUrl ?? '').startsWith(`${PATHS.socketIo}/`)
}

/**
 * The query of a Socket.io request, parsed the way Engine.IO parses it (the last of repeated
 * keys wins) and left on the request, where Engine.IO takes it instead of parsing again: what
 * we check is exactly what it acts on.
 */
export function engineQuery(req: http.IncomingMessage): Record<string, string> {
  const r = req as http.IncomingMessage & { _query?: Record<string, string> }
  r._query ??= Object.fromEntries(new URL(req.url ?? '/', 'https://socket.io').searchParams.entries())
  return r._query
}

export interface UpgradeOwners {
  socketIo(req: http.IncomingMessage, socket: Duplex, head: Buffer): void
  yjs: YjsUpgrades
  /** raw path prefixes another part of the process answers (Vite's hot reload in development) */
  passThrough: readonly string[]
  /** after this long an upgrade nobody answered is closed */
  answerMs: number
  log: Logger
}

/**
 * The server's one `upgrade` listener: every upgrade has exactly one owner, which answers it or
 * closes it: Socket.io, the board (`/yjs/<id>`), or a 404 here. A socket still silent after
 * `answerMs` is closed anyway, so a bug in an owner cannot leave sockets open for ever.
 */
export function routeUpgrades(server: http.Server, owners: UpgradeOwners): () => void {
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => owners.log.debug('upgrade socket error:', err.message))
    const raw = req.url ?? '/'
    if (owners.passThrough.some((p) => raw.startsWith(p))) return
    const timer = setTimeout(() => {
      if (!socket.destroyed && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
        owners.log.debug(`closing an unanswered upgrade for ${raw.slice(0, 100)}`)
        socket.destroy()
      }
    }, owners.answerMs)
    timer.unref()
    socket.once('close', () => clearTimeout(timer))
    try {
      if (ownedBySocketIo(raw)) return owners.socketIo(req, socket, head)
      let url: URL
      try {
        url = new URL(raw, 'http://kiosk.invalid')
      } catch {
        return refuseUpgrade(socket, 400, 'Bad Request')
      }
      // Only the raw path may name a board: a path that normalises into `/yjs/` is not one.
      if (raw.startsWith(`${PATHS.yjs}/`) && url.pathname.startsWith(`${PATHS.yjs}/`)) return owners.yjs.handle(req, socket, head, url)
      refuseUpgrade(socket, 404, 'Not Found')
    } catch (err) {
      owners.log.error('upgrade failed:', err)
      socket.destroy()
    }
  }
  server.on('upgrade', onUpgrade)
  return () => server.off('upgrade', onUpgrade)
}
