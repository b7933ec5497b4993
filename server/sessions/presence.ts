import type { ServerPresence } from '../../shared/protocol.ts'
import { setServerAwareness, type RoomDoc } from '../yjs/rooms.ts'
import type { LiveSession } from './session.ts'

/**
 * How many phones are connected, published to consoles and boards through the rooms'
 * awareness as the server's own state: ephemeral, never stored, at most once per interval.
 */
export class Presence {
  private readonly timers = new Map<string, NodeJS.Timeout>()

  constructor(private readonly intervalMs: number) {}

  joined(session: LiveSession, phoneKey: string): void {
    session.phones.set(phoneKey, (session.phones.get(phoneKey) ?? 0) + 1)
    this.schedule(session)
  }

  left(session: LiveSession, phoneKey: string): void {
    const n = session.phones.get(phoneKey) ?? 0
    if (n <= 1) session.phones.delete(phoneKey)
    else session.phones.set(phoneKey, n - 1)
    this.schedule(session)
  }

  publish(session: LiveSession): void {
    const presence: ServerPresence = { kurumaza: { phones: session.phones.size } }
    setServerAwareness(session.doc as RoomDoc, session.board as RoomDoc, presence)
  }

  forget(id: string): void {
    clearTimeout(this.timers.get(id))
    this.timers.delete(id)
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }

  private schedule(session: LiveSession): void {
    const id = session.id
    if (this.timers.has(id)) return
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id)
        this.publish(session)
      }, this.intervalMs),
    )
  }
}
