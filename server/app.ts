import express, { type ErrorRequestHandler } from 'express'
import helmet from 'helmet'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import os from 'node:os'
import { newToken } from '../shared/ids.ts'
import { PATHS } from '../shared/protocol.ts'
import type { Config } from './config.ts'
import type { Kiosk } from './context.ts'
import { AuthThrottle, ConnectionCounter, isLoopback, RateLimiter } from './guard.ts'
import { AddressAllowance } from './realtime/allowance.ts'
import { SurveyResults } from './sessions/survey-results.ts'
import { cachedWordCounter } from './sessions/word-cache.ts'
import { pageRoutes } from './http/pages.ts'
import { sessionRoutes } from './http/sessions.ts'
import { attachBus, type Bus } from './cluster/bus.ts'
import { surveyImportRoutes } from './http/survey-import.ts'
import { attachSocketIo, detachSocketIo, type KioskServer } from './realtime/socket.ts'
import { Persistence } from './sessions/persistence.ts'
import { SessionRegistry } from './sessions/registry.ts'
import { lockDataDir } from './store/lock.ts'
import { rows } from './store/rows.ts'
import { postgresStore } from './store/postgres.ts'
import { sqliteStore } from './store/sqlite.ts'
import { ensureDataDir, type Store } from './store/store.ts'
import { DEFAULT_WORDS, WordFilter } from './board/words.ts'
import { SessionTimers } from './sessions/timers.ts'
import { engineQuery, ownedBySocketIo, routeUpgrades } from './upgrades.ts'
import { refuseUpgrade, yjsUpgrades } from './yjs/upgrade.ts'

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
  /** TCP connections open on the server right now, upgraded ones included */
  openSockets(): Promise<number>
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

/**
 * The WebSocket origins of the kiosk a page was served from (the host it was reached by, and
 * PUBLIC_URL's): what a page may connect to besides 'self', which covers them in current
 * browsers but not in every older one. A Host that is not a plain host[:port] names nothing.
 */
export function kioskSocketOrigins(host: string | undefined, publicOrigin: string | undefined): string {
  const hosts = new Set<string>()
  if (host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) hosts.add(host.toLowerCase())
  if (publicOrigin) hosts.add(new URL(publicOrigin).host)
  return [...hosts].flatMap((h) => [`ws://${h}`, `wss://${h}`]).join(' ')
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
    store = config.databaseUrl ? postgresStore(config.databaseUrl) : sqliteStore(config.dataDir, config.durability)
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
        // Nodes sharing a database may start together: the first one's token is everyone's.
        await persistence.write([rows.settingIfAbsent('facilitator_token', newToken())])
        token = store.getSetting('facilitator_token')!
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
  const countWords = cachedWordCounter(config.limits.wordCacheAnswers)
  const kiosk: Kiosk = {
    config,
    sessions,
    storage: persistence,
    records: {
      myDots: (sessionId, voteId, phoneKey) => store.myDots(sessionId, voteId, phoneKey),
      phonesPosted: (sessionId) => store.phonesPosted(sessionId),
      voters: (sessionId, voteId) => store.voters(sessionId, voteId),
      surveyAnswers: (sessionId, surveyId, round) => store.surveyAnswers(sessionId, surveyId, round),
      surveyAnswered: (sessionId, surveyId) => store.surveyAnswered(sessionId, surveyId),
      myAnswer: (sessionId, surveyId, round, phoneKey) => store.myAnswer(sessionId, surveyId, round, phoneKey),
      questionIds: (sessionId) => store.questionIds(sessionId),
      upvotes: (sessionId) => store.upvotes(sessionId),
      saveSetting: (key, value) => persistence.write([rows.setting(key, value)]),
    },
    token,
    words,
    timers,
    authFailures: new AuthThrottle(),
    connections: new ConnectionCounter(config.limits.maxConnectionsPerAddress, config.limits.maxConnectionsTotal, exempt),
    transports: new ConnectionCounter(config.limits.maxTransportsPerAddress, config.limits.maxTransportsTotal, exempt),
    notesPerPhone: new RateLimiter(config.limits.notesBurstPerPhone, config.limits.notesPerMinutePerPhone),
    notesPerAddress: new RateLimiter(config.limits.notesBurstPerAddress, config.limits.notesPerMinutePerAddress),
    answersPerPhone: new RateLimiter(config.limits.surveyAnswersBurstPerPhone, config.limits.surveyAnswersPerMinutePerPhone),
    questionsPerPhone: new RateLimiter(config.limits.questionsBurstPerPhone, config.limits.questionsPerMinutePerPhone),
    questionsPerAddress: new RateLimiter(config.limits.questionsBurstPerAddress, config.limits.questionsPerMinutePerAddress),
    upvotesPerPhone: new RateLimiter(config.limits.upvotesBurstPerPhone, config.limits.upvotesPerMinutePerPhone),
    allowance: new AddressAllowance(config.limits, exempt),
    surveyResults: new SurveyResults(store, countWords, config.limits.surveyResultsIntervalMs, config.limits.surveyWordsIntervalMs, log.child('surveys')),
    countWords,
    exempt,
    publicBase: () => (config.publicUrl ? config.publicUrl.replace(/\/+$/, '') : `http://${lan}:${port}`),
    publicOrigin,
    log,
  }

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', false)
  // Socket.io's requests go straight to it, decided on the same raw URL as its upgrades.
  let io: KioskServer | undefined
  const server = http.createServer((req, res) => {
    if (io && ownedBySocketIo(req.url)) io.engine.handleRequest(req, res)
    else app(req, res)
  })
  // Every socket, upgraded ones included (the server forgets those), so closing ends them all.
  const sockets = new Set<Duplex>()
  server.on('connection', (socket: Duplex) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })

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
            'connect-src': ["'self'", (req) => kioskSocketOrigins(req.headers.host, publicOrigin)],
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
  app.use(surveyImportRoutes(kiosk))
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

  io = attachSocketIo(kiosk)
  const socketIo = io
  let bus: Bus | undefined
  try {
    bus = config.redisUrl ? await attachBus(socketIo, kiosk, config.redisUrl) : undefined
  } catch (err) {
    detachSocketIo(socketIo)
    await socketIo.close()
    timers.close()
    sessions.close()
    await store.close()
    lock.release()
    throw new Error(`cannot reach Redis at REDIS_URL (${(err as Error).message})`)
  }
  const yjs = yjsUpgrades(kiosk)
  const stopUpgrades = routeUpgrades(server, {
    // Only the WebSocket transport upgrades: Engine.IO would accept another, then wait 30 s
    // for a close handshake that a stray client never sends.
    socketIo: (req, socket, head) => {
      if (engineQuery(req).transport === 'websocket') socketIo.engine.handleUpgrade(req, socket, head)
      else refuseUpgrade(socket, 400, 'Bad Request')
    },
    yjs,
    // In development Vite's hot-reload socket shares the port.
    passThrough: dev ? [DEV_HMR_PATH] : [],
    answerMs: config.limits.upgradeAnswerMs,
    log,
  })
  const sweep = setInterval(() => {
    kiosk.notesPerPhone.sweep()
    kiosk.notesPerAddress.sweep()
    kiosk.answersPerPhone.sweep()
    kiosk.questionsPerPhone.sweep()
    kiosk.questionsPerAddress.sweep()
    kiosk.upvotesPerPhone.sweep()
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
    kiosk.surveyResults.close()
    await bus?.close()
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
      kiosk.surveyResults.close()
      stopUpgrades()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      yjs.close()
      detachSocketIo(socketIo)
      await socketIo.close()
      await bus?.close()
      sessions.close()
      // Whatever is still open (slow or half-closed clients, upgrades) ends now: a bounded stop.
      for (const socket of sockets) socket.destroy()
      await stopped
      await store.close()
      lock.release()
    })()
    return closing
  }

  const openSockets = () => new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))))

  return { url: `http://${shownHost}:${port}`, port, token, openSockets, publicBase: kiosk.publicBase(), dataFile: store.file, kiosk, store, close }
}
