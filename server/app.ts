import express, { type ErrorRequestHandler } from 'express'
import helmet from 'helmet'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { newToken } from '../shared/ids.ts'
import { PATHS } from '../shared/protocol.ts'
import type { Config } from './config.ts'
import type { Kiosk } from './context.ts'
import { AuthThrottle, ConnectionCounter, isLoopback, RateLimiter } from './guard.ts'
import { AddressAllowance } from './realtime/allowance.ts'
import { pageRoutes } from './http/pages.ts'
import { sessionRoutes } from './http/sessions.ts'
import { attachSocketIo } from './realtime/socket.ts'
import { Persistence } from './sessions/persistence.ts'
import { SessionRegistry } from './sessions/registry.ts'
import { lockDataDir } from './store/lock.ts'
import { rows } from './store/rows.ts'
import { ensureDataDir, Store } from './store/store.ts'
import { DEFAULT_WORDS, WordFilter } from './board/words.ts'
import { SessionTimers } from './sessions/timers.ts'
import { attachYjs } from './yjs/upgrade.ts'

export interface RunningKiosk {
  /** where this process listens, e.g. http://127.0.0.1:41234 */
  url: string
  port: number
  /** the facilitator token in force */
  token: string
  /** what joinUrl and the QR code are built on */
  publicBase: string
  dataFile: string
  kiosk: Kiosk
  /** the database's reads, for tests and tools (handlers get `kiosk.records` instead) */
  store: Store
  /** Stop serving and close the database; safe to call more than once. */
  close(): Promise<void>
}

/** The first non-internal IPv4 address: what phones on the same Wi-Fi can reach. */
export function lanAddresses(): string[] {
  const out: string[] = []
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address)
  }
  return out
}

/** Where Vite's hot-reload WebSocket lives in `npm run dev`. */
export const DEV_HMR_PATH = '/__vite_hmr'

/** Optional hook for `npm run dev`: Vite's middleware in front of the page routes. */
export type DevMiddleware = (app: express.Express, server: http.Server) => Promise<void>

export async function createServer(config: Config, dev?: DevMiddleware): Promise<RunningKiosk> {
  const log = config.log
  ensureDataDir(config.dataDir)
  // Before the database opens: a second kiosk on this folder must not touch it at all.
  const lock = lockDataDir(config.dataDir)
  let store: Store
  try {
    store = new Store(config.dataDir, config.durability)
  } catch (err) {
    lock.release()
    throw err
  }
  const persistence = new Persistence(store, config, log.child('store'))
  let token = config.facilitatorToken
  try {
    await store.ready()
    if (!token) {
      token = store.getSetting('facilitator_token')
      if (!token) {
        token = newToken()
        await persistence.write([rows.setting('facilitator_token', token)])
      }
    }
  } catch (err) {
    await store.close()
    lock.release()
    throw err
  }
  const sessions = new SessionRegistry(store, persistence, config, log.child('sessions'))
  const savedWords = store.getSetting('moderation_words')
  const words = new WordFilter(savedWords ? (JSON.parse(savedWords) as string[]) : [...DEFAULT_WORDS])
  const timers = new SessionTimers(sessions, log.child('timers'))
  let port = config.port
  const publicOrigin = config.publicUrl ? new URL(config.publicUrl).origin : undefined
  const lan = lanAddresses()[0] ?? 'localhost'
  const exempt = (address: string) => config.loopbackExempt && isLoopback(address)
  const kiosk: Kiosk = {
    config,
    sessions,
    storage: persistence,
    records: {
      myDots: (sessionId, voteId, phoneKey) => store.myDots(sessionId, voteId, phoneKey),
      phonesPosted: (sessionId) => store.phonesPosted(sessionId),
      saveSetting: (key, value) => persistence.write([rows.setting(key, value)]),
    },
    token,
    words,
    timers,
    authFailures: new AuthThrottle(),
    connections: new ConnectionCounter(config.limits.maxConnectionsPerAddress, config.limits.maxConnectionsTotal, exempt),
    notesPerPhone: new RateLimiter(config.limits.notesBurstPerPhone, config.limits.notesPerMinutePerPhone),
    notesPerAddress: new RateLimiter(config.limits.notesBurstPerAddress, config.limits.notesPerMinutePerAddress),
    allowance: new AddressAllowance(config.limits, exempt),
    exempt,
    publicBase: () => (config.publicUrl ? config.publicUrl.replace(/\/+$/, '') : `http://${lan}:${port}`),
    publicOrigin,
    log,
  }

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', false)
  const server = http.createServer(app)

  if (!dev) {
    app.use(
      helmet({
        contentSecurityPolicy: {
          useDefaults: true,
          directives: {
            'default-src': ["'self'"],
            'script-src': ["'self'"],
            'style-src': ["'self'", "'unsafe-inline'"],
            'img-src': ["'self'", 'data:'],
            'connect-src': ["'self'", 'ws:', 'wss:'],
            'font-src': ["'self'"],
            'object-src': ["'none'"],
            'frame-ancestors': ["'none'"],
            'upgrade-insecure-requests': null,
          },
        },
        // The kiosk is plain http on a LAN: HSTS would lock phones out of it.
        strictTransportSecurity: false,
        crossOriginEmbedderPolicy: false,
      }),
    )
  }
  app.get(PATHS.health, (_req, res) => {
    // Unhealthy while the last write to the database failed: notes would be refused.
    if (persistence.storeError) res.status(503).json({ ok: false, error: 'unavailable' })
    else res.json({ ok: true })
  })
  app.use(sessionRoutes(kiosk))
  if (dev) await dev(app, server)
  app.use(pageRoutes(kiosk, config.clientDir))
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'not_found' })
  })
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' ? err.status : 500
    if (status === 413) res.status(413).json({ error: 'payload_too_large' })
    else if (status >= 400 && status < 500) res.status(400).json({ error: 'invalid' })
    else {
      log.error('request failed:', err)
      res.status(500).json({ error: 'unavailable' })
    }
  }
  app.use(onError)

  const io = attachSocketIo(server, kiosk)
  // In development Vite's hot-reload socket shares the port.
  const yjs = attachYjs(server, kiosk, dev ? [DEV_HMR_PATH] : [])
  const sweep = setInterval(() => {
    kiosk.notesPerPhone.sweep()
    kiosk.notesPerAddress.sweep()
    kiosk.allowance.sweep()
    kiosk.authFailures.sweep()
  }, 60_000)
  sessions.events.unloaded.on((id) => kiosk.allowance.forgetSession(id))
  sessions.events.deleted.on((id) => kiosk.allowance.forgetSession(id))
  const unload = setInterval(() => sessions.unloadIdle(config.idleUnloadMs), Math.min(60_000, Math.max(50, config.idleUnloadMs / 2)))
  unload.unref()
  sweep.unref()

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  }).catch(async (err) => {
    clearInterval(sweep)
    clearInterval(unload)
    timers.close()
    sessions.close()
    await store.close()
    lock.release()
    throw err
  })
  port = (server.address() as AddressInfo).port
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweep)
      clearInterval(unload)
      timers.close()
      yjs.close()
      await new Promise<void>((resolve) => io.close(() => resolve()))
      sessions.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close()
      lock.release()
    })()
    return closing
  }

  return { url: `http://${shownHost}:${port}`, port, token, publicBase: kiosk.publicBase(), dataFile: store.file, kiosk, store, close }
}
