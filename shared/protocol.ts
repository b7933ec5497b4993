/**
 * The wire protocol between phones, consoles and the kiosk: Socket.io event maps (used as
 * Socket.io's type parameters on both sides), HTTP shapes and the URL layout.
 * docs/PROTOCOL.md explains it for people scripting against the kiosk.
 */
import type { Ack, ErrorCode } from './errors.ts'
import type { ModerationMode, NoteStatus } from './board.ts'

export const PROTOCOL_VERSION = 1

/** URL paths, relative to the kiosk's origin. */
export const PATHS = {
  health: '/healthz',
  sessions: '/api/sessions',
  socketIo: '/socket.io',
  /** y-websocket rooms live under this prefix: `/yjs/<session id>` */
  yjs: '/yjs',
  join: (id: string) => `/j/${id}`,
  board: (id: string) => `/b/${id}`,
  facilitator: (id?: string) => (id ? `/f/${id}` : '/f'),
  qr: (id: string) => `/qr/${id}.svg`,
} as const

/** `auth` a Socket.io client sends in its handshake. */
export interface HandshakeAuth {
  session: string
  /** a phone's own random id, kept in local storage; never shown nor exported */
  deviceId?: string
  /** the facilitator token: makes the connection a facilitator's */
  token?: string
}

export interface NoteCreatePayload {
  /** made by the phone, 1–64 characters; resending it never makes a second note */
  id: string
  text: string
}

/** What a phone needs to know about its session; sent on connect and on every change. */
export interface SessionState {
  id: string
  title: string
  prompt: string
  locked: boolean
  /** longest note, in characters as people count them */
  maxNoteChars: number
  protocol: number
}

export type MyNoteStatus = NoteStatus | 'deleted' | 'unknown'

export interface MyNote {
  /** the phone's id for the note */
  id: string
  noteId?: string
  status: MyNoteStatus
}

export interface SessionUpdatePayload {
  locked?: boolean
  moderation?: ModerationMode
  title?: string
  prompt?: string
}

export const MODERATION_ACTIONS = ['approve', 'hide', 'show', 'delete'] as const
export type ModerationAction = (typeof MODERATION_ACTIONS)[number]

export interface NoteModeratePayload {
  noteId: string
  action: ModerationAction
}

/** Events a client emits; every one takes an acknowledgement callback. */
export interface ClientToServerEvents {
  'note:create': (payload: NoteCreatePayload, ack: (res: Ack<{ noteId: string }>) => void) => void
  /** a phone asks what became of the notes it sent (by its own ids) */
  'note:mine': (payload: { ids: string[] }, ack: (res: Ack<{ notes: MyNote[] }>) => void) => void
  /** facilitator only */
  'session:update': (payload: SessionUpdatePayload, ack: (res: Ack) => void) => void
  /** facilitator only */
  'note:moderate': (payload: NoteModeratePayload, ack: (res: Ack) => void) => void
}

export interface ServerToClientEvents {
  'session:state': (state: SessionState) => void
}

/** `err.data` of a refused Socket.io connection (`connect_error`). */
export interface ConnectErrorData {
  code: ErrorCode
}

// ---- HTTP ----

export interface CreateSessionRequest {
  title: string
  prompt?: string
}

export interface SessionLinks {
  id: string
  /** what the QR code encodes; phones open it */
  joinUrl: string
  /** the projector's page, with the read-only board key */
  boardUrl: string
  /** the facilitator's console for this session, with the token */
  facilitatorUrl: string
}

export interface SessionSummary extends SessionLinks {
  title: string
  prompt: string
  createdAt: number
  notes: number
}

export interface HttpError {
  error: ErrorCode | 'payload_too_large'
}

/** How many phones are connected, published by the server in the board's awareness state. */
export interface ServerPresence {
  kurumaza: { phones: number }
}
