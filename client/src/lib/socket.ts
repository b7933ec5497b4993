import { io, type Socket } from 'socket.io-client'
import type { ErrorCode } from '../../../shared/errors.ts'
import { PATHS, type ClientToServerEvents, type ConnectErrorData, type HandshakeAuth, type ServerToClientEvents } from '../../../shared/protocol.ts'

export type KioskSocket = Socket<ServerToClientEvents, ClientToServerEvents>

type Event = keyof ClientToServerEvents
type PayloadOf<E extends Event> = Parameters<ClientToServerEvents[E]>[0]
type AckOf<E extends Event> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]

/**
 * Always the page's own origin; Socket.io reconnects by itself after a dropped connection. The
 * session id also rides in the URL (`?session=`), where a proxy in front of several nodes can
 * route on it (the auth payload is inside the connection, out of its sight); on a laptop it is
 * simply ignored.
 */
export function connect(auth: HandshakeAuth): KioskSocket {
  return io({ path: PATHS.socketIo, auth: { ...auth }, query: { session: auth.session } })
}

/**
 * Emit and wait for the acknowledgement, or `undefined` after `ms` (a lost ack looks the same as a
 * slow one; callers that resend use the same id, so the server never stores a note twice).
 */
export function request<E extends Event>(
  socket: KioskSocket,
  event: E,
  payload: PayloadOf<E>,
  ms = 10_000,
): Promise<AckOf<E> | undefined> {
  return new Promise((resolve) => {
    // The generic event map cannot be narrowed per call, hence the loose emitter here only.
    const emitter = socket.timeout(ms) as unknown as {
      emit(ev: E, p: PayloadOf<E>, cb: (err: Error | null, res: AckOf<E>) => void): void
    }
    emitter.emit(event, payload, (err, res) => resolve(err ? undefined : res))
  })
}

/** The refusal code a server middleware attached to `connect_error`, if any. */
export function refusalCode(err: unknown): ErrorCode | undefined {
  const data = (err as { data?: Partial<ConnectErrorData> } | null)?.data
  return typeof data?.code === 'string' ? data.code : undefined
}
