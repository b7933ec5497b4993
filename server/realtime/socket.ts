import http from 'node:http'
import { Server, type Socket } from 'socket.io'
import { fail, type Ack, type ErrorCode } from '../../shared/errors.ts'
import { isSessionId } from '../../shared/ids.ts'
import type { ClientToServerEvents, KioskStatus, ServerToClientEvents } from '../../shared/protocol.ts'
import { PATHS } from '../../shared/protocol.ts'
import type { Kiosk } from '../context.ts'
import { originAllowed, remoteAddress, secretMatches } from '../guard.ts'
import { StoreFailure } from '../sessions/persistence.ts'
import { SessionElsewhere } from '../sessions/registry.ts'
import type { LiveSession } from '../sessions/session.ts'
import { handshakeSchema } from '../../shared/schemas.ts'
import { registerFacilitatorHandlers } from './facilitator.ts'
import { registerPhoneHandlers } from './phone.ts'
import { attachBallots, ballotFor, registerVoteHandlers } from './votes.ts'
import { attachVoteResults, greetWithVote } from './vote-results.ts'
import { attachSurveys, greetWithSurvey, registerSurveyHandlers } from './surveys.ts'
import { registerQuestionHandlers } from './questions.ts'
import { attachQuestionLists, greetWithQuestions } from './question-list.ts'
import { engineQuery } from '../upgrades.ts'

export interface SocketData {
  sessionId: string
  role: 'phone' | 'facilitator'
  /** the phone's own id, or the connection's when it sent none: the key of per-phone limits */
  phoneKey: string
  deviceId: string | null
  address: string
}

/** What we use of an Engine.IO connection (the transport under a Socket.io connection). */
interface EngineConnection {
  request: http.IncomingMessage
  once(event: 'close', fn: () => void): void
  close(discard?: boolean): void
}

export type KioskServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
export type KioskSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

export const phonesRoom = (id: string) => `phones:${id}`
export const facilitatorsRoom = (id: string) => `facilitators:${id}`
/** every connection of one phone (by its device id) in one session */
export const deviceRoom = (id: string, deviceId: string) => `device:${id}:${deviceId}`

const storageStatus = (error: string | null): KioskStatus => (error ? { storage: 'failing', message: error } : { storage: 'ok' })

function refuse(code: ErrorCode): Error & { data: { code: ErrorCode } } {
  return Object.assign(new Error(code), { data: { code } })
}

/**
 * Wraps an event handler in the shape every untrusted input gets: no callback, no action;
 * a change that could not be stored (and was taken back) acks `unavailable`; any other thrown
 * error acks `invalid` instead of reaching Socket.io.
 */
export function handler<P>(
  kiosk: Kiosk,
  fn: (payload: unknown) => Promise<Ack<P & object>> | Ack<P & object>,
): (payload: unknown, ack: unknown) => void {
  return (payload, ack) => {
    if (typeof ack !== 'function') return
    Promise.resolve()
      .then(() => fn(payload))
      .then(
        (res) => ack(res),
        (err) => {
          if (err instanceof StoreFailure) return ack(fail('unavailable'))
          kiosk.log.error('event handler failed:', err)
          ack(fail('invalid'))
        },
      )
  }
}

/** Every event registered with `onFacilitator`, whatever socket was being set up. */
const facilitatorOnly = new Set<string>()

/**
 * Listen to a facilitator-only event: only a facilitator's socket gets a listener of its own.
 * A phone's socket has one listener shared by all phones (`refuseFacilitatorOnly`) that answers
 * these events `unauthorized`: some 40 listeners per phone were a quarter of the heap with
 * 1,000 phones (their closures and each socket's table of listeners). The set is filled while
 * the first socket of any kind is set up, before any of its events can arrive.
 */
export function onFacilitator(
  socket: KioskSocket,
  kiosk: Kiosk,
  event: keyof ClientToServerEvents,
  fn: (payload: unknown) => Promise<Ack<object>> | Ack<object>,
): void {
  facilitatorOnly.add(event)
  if (socket.data.role === 'facilitator') socket.on(event, handler(kiosk, fn) as never)
}

function refuseFacilitatorOnly(event: string, ...args: unknown[]): void {
  const ack = args.at(-1)
  if (facilitatorOnly.has(event) && typeof ack === 'function') ack(fail('unauthorized'))
}

/**
 * Socket.io, on an Engine.IO that never listens on a port of its own: the kiosk's server hands
 * it the requests and upgrades it owns (see server/upgrades.ts), so none falls between the two.
 */
const detachers = new WeakMap<KioskServer, () => void>()

/**
 * Stop listening to the kiosk's sessions (and cancel pending timers such as the vote turnout):
 * called when the kiosk closes, before the store does, so nothing reads a closed database.
 */
export function detachSocketIo(io: KioskServer): void {
  detachers.get(io)?.()
  detachers.delete(io)
}

export function attachSocketIo(kiosk: Kiosk): KioskServer {
  const { limits } = kiosk.config
  // Engine.IO hooks its own listeners onto the server it is given: give it one that is never
  // started, and route to it by hand.
  const detached = http.createServer()
  const { transports } = kiosk
  const io: KioskServer = new Server(detached, {
    path: PATHS.socketIo,
    serveClient: false,
    maxHttpBufferSize: limits.maxSocketMessageBytes,
    connectionStateRecovery: undefined,
    allowRequest: (req, callback) => {
      if (!originAllowed(req, kiosk.publicOrigin)) return callback('forbidden_origin', false)
      // A handshake (no sid yet) makes a transport that lives until it times out: cap them.
      const handshake = !engineQuery(req).sid
      if (handshake && !transports.allows(remoteAddress(req, kiosk.config.trustedProxies))) return callback('rate_limited', false)
      callback(null, true)
    },
  })
  // Transports that have named a session and passed the checks below.
  const named = new WeakSet<object>()
  io.engine.on('connection', (conn: EngineConnection) => {
    const release = transports.admit(remoteAddress(conn.request, kiosk.config.trustedProxies))
    // `true` discards the transport: a long-polling one would otherwise wait 30 s for a poll.
    if (!release) return conn.close(true)
    const timer = setTimeout(() => {
      if (!named.has(conn)) conn.close(true)
    }, limits.socketConnectTimeoutMs)
    conn.once('close', () => {
      clearTimeout(timer)
      release()
    })
  })

  /** the session each admitted socket joined, from the handshake to its 'connection' */
  const sessionOf = new WeakMap<KioskSocket, LiveSession>()
  io.use((socket, next) => {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth ?? {})
    if (!parsed.success || !isSessionId(parsed.data.session)) return next(refuse('not_found'))
    const { session: sessionId } = parsed.data
    // On several nodes, waits (up to leaseWaitMs) for another node holding it to let it go.
    kiosk.sessions.acquire(sessionId, limits.leaseWaitMs).then(
      (live) => admit(socket, live, parsed.data, next),
      (err: unknown) => {
        // A session whose store cannot be read is refused, never allowed to end the process.
        if (!(err instanceof SessionElsewhere)) kiosk.log.error(`session ${sessionId} could not be loaded:`, err)
        next(refuse('unavailable'))
      },
    )
  })

  const admit = (
    socket: KioskSocket,
    live: LiveSession | undefined,
    { session: sessionId, deviceId, token }: { session: string; deviceId?: string; token?: string },
    next: (err?: Error) => void,
  ) => {
    if (!live) return next(refuse('not_found'))
    const address = remoteAddress(socket.request, kiosk.config.trustedProxies)
    let role: SocketData['role'] = 'phone'
    if (token !== undefined) {
      if (!kiosk.authFailures.allowed(address)) return next(refuse('rate_limited'))
      if (!secretMatches(token, kiosk.token)) {
        kiosk.authFailures.failed(address)
        return next(refuse('unauthorized'))
      }
      role = 'facilitator'
    }
    // Its transport may already be gone (a close packet right behind the connect): count nothing.
    if (socket.conn.readyState !== 'open') return next(refuse('not_found'))
    const release = kiosk.connections.admit(address)
    if (!release) return next(refuse('rate_limited'))
    // Socket.io may still drop the socket before 'connection' (its transport closed meanwhile):
    // the transport's close releases it then; a connected socket's 'disconnect' releases it too.
    named.add(socket.conn)
    socket.conn.once('close', release)
    socket.once('disconnect', () => {
      socket.conn.off('close', release)
      release()
    })
    socket.data = { sessionId, role, deviceId: deviceId ?? null, phoneKey: deviceId ? `d:${deviceId}` : `c:${socket.id}`, address }
    sessionOf.set(socket, live)
    next()
  }

  io.on('connection', (socket: KioskSocket) => {
    const session = sessionOf.get(socket)!
    const { role } = socket.data
    kiosk.sessions.hold(session)
    socket.on('disconnect', () => {
      kiosk.sessions.release(session)
      if (role === 'phone') kiosk.sessions.presence.left(session, socket.data.phoneKey)
    })
    if (role === 'phone') {
      socket.onAny(refuseFacilitatorOnly)
      kiosk.sessions.presence.joined(session, socket.data.phoneKey)
      void socket.join(phonesRoom(session.row.id))
      if (socket.data.deviceId) void socket.join(deviceRoom(session.row.id, socket.data.deviceId))
    } else {
      void socket.join(facilitatorsRoom(session.row.id))
      socket.emit('kiosk:status', storageStatus(kiosk.storage.storeError))
      const damage = kiosk.sessions.damage(session.id)
      if (damage) socket.emit('session:damaged', damage)
    }
    registerPhoneHandlers(socket, session, kiosk)
    registerVoteHandlers(socket, session, kiosk)
    registerFacilitatorHandlers(socket, session, kiosk)
    registerSurveyHandlers(socket, session, kiosk)
    registerQuestionHandlers(socket, session, kiosk)
    socket.emit('session:state', session.state())
    greetWithSurvey(kiosk, session, socket)
    if (role === 'phone') {
      const ballot = ballotFor(kiosk, session, socket.data.phoneKey)
      if (ballot) socket.emit('vote:ballot', ballot)
    }
    greetWithVote(kiosk, session, socket)
    greetWithQuestions(session, socket)
  })

  const offState = kiosk.sessions.events.state.on((id, state) => {
    io.to([phonesRoom(id), facilitatorsRoom(id)]).emit('session:state', state)
  })
  // Only the phone that sent a note hears what became of it.
  const offStatus = kiosk.sessions.events.noteStatus.on((session, noteId, status, text) => {
    const owner = session.ownerOf(noteId)
    if (!owner?.deviceId) return
    const note = { id: owner.clientId, noteId, status: status ?? 'deleted', ...(text !== undefined ? { text } : {}) } as const
    io.to(deviceRoom(session.row.id, owner.deviceId)).emit('note:status', note)
  })
  const offBallots = attachBallots(io, kiosk)
  const offResults = attachVoteResults(io, kiosk)
  const offSurveys = attachSurveys(io, kiosk)
  const offQuestions = attachQuestionLists(io, kiosk)
  const offHealth = kiosk.storage.health.on((error) => {
    for (const s of kiosk.sessions.loaded()) io.to(facilitatorsRoom(s.row.id)).emit('kiosk:status', storageStatus(error))
  })
  const offDeleted = kiosk.sessions.events.deleted.on((id) => {
    io.in([phonesRoom(id), facilitatorsRoom(id)]).disconnectSockets(true)
  })
  const detach = () => {
    offHealth()
    offDeleted()
    offState()
    offStatus()
    offBallots()
    offResults()
    offSurveys()
    offQuestions()
  }
  detachers.set(io, detach)
  io.engine.on('close', detach)

  kiosk.log.debug(`socket.io ready at ${PATHS.socketIo}; loopback exempt from per-address limits: ${kiosk.exempt('127.0.0.1')}`)
  return io
}
