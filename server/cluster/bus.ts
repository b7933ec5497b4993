/**
 * The bus between nodes (several machines, `REDIS_URL`): Socket.io's own Redis adapter, so a
 * broadcast to a session's room reaches its phones on every node, plus one message of ours:
 * "let session X go", sent when a client reaches a node for a session whose lease another node
 * holds (after a node came back, or when routing changed). The holder stores what it has,
 * closes that session's connections (they reconnect through the proxy) and gives the lease up.
 *
 * The classic adapter (PUBLISH/PSUBSCRIBE), not the sharded one (SPUBLISH, Redis 7): one Redis
 * carries the load measured in docs/SCALING.md many times over, and only the classic adapter
 * implements serverSideEmit, which the hand-over needs.
 */
import type { Kiosk } from '../context.ts'
import type { KioskServer } from '../realtime/socket.ts'

const YIELD = 'kurumaza:yield'
/** A request to let a session go is not repeated more often than this. */
const ASK_AGAIN_MS = 500

export interface Bus {
  close(): Promise<void>
}

export async function attachBus(io: KioskServer, kiosk: Kiosk, redisUrl: string): Promise<Bus> {
  const log = kiosk.log.child('bus')
  // Loaded only in a cluster: on a laptop (no REDIS_URL) these would cost the kiosk about 28 MB.
  const [{ createAdapter }, { createClient }] = await Promise.all([import('@socket.io/redis-adapter'), import('redis')])
  const pub = createClient({ url: redisUrl })
  const sub = pub.duplicate()
  for (const c of [pub, sub]) c.on('error', (err: Error) => log.error('Redis:', err.message))
  await Promise.all([pub.connect(), sub.connect()])
  io.adapter(createAdapter(pub, sub))

  // serverSideEmit's events are not in the client protocol's types.
  const bus = io as unknown as { serverSideEmit(ev: string, id: string): void; on(ev: string, fn: (id: string) => void): void }
  const asked = new Map<string, number>()
  const offElsewhere = kiosk.sessions.events.elsewhere.on((id) => {
    const now = Date.now()
    if (now - (asked.get(id) ?? 0) < ASK_AGAIN_MS) return
    asked.set(id, now)
    if (asked.size > 10_000) asked.clear()
    bus.serverSideEmit(YIELD, id)
  })
  bus.on(YIELD, (id: string) => {
    if (typeof id !== 'string' || !kiosk.sessions.loaded().some((s) => s.id === id)) return
    log.info(`handing session ${id} over to another node`)
    // Closing the transport (not a Socket.io disconnect) makes clients reconnect by themselves.
    for (const socket of io.of('/').sockets.values()) if (socket.data.sessionId === id) socket.conn.close()
    kiosk.sessions.yieldSession(id).catch((err: unknown) => log.error(`could not hand session ${id} over:`, err))
  })

  return {
    async close() {
      offElsewhere()
      await Promise.allSettled([pub.quit(), sub.quit()])
    },
  }
}
