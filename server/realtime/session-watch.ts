import { readMeta } from '../../shared/board-doc.ts'
import type { VoteSettings } from '../../shared/board.ts'
import type { Kiosk } from '../context.ts'
import type { LiveSession } from '../sessions/session.ts'

/**
 * Small watchers that more than one broadcaster needs: "a vote opened or closed" and "send this
 * at most once a second per session". Each returns the function that stops it.
 */

/** Calls `fn` when a session's vote opens, closes or is replaced; not on other state changes. */
export function onVoteChange(kiosk: Kiosk, fn: (session: LiveSession, vote: VoteSettings | null) => void): () => void {
  const last = new Map<string, string>()
  return kiosk.sessions.events.state.on((id) => {
    const session = kiosk.sessions.get(id)
    if (!session) return
    const vote = readMeta(session.doc).vote
    const key = vote ? `${vote.id}:${vote.open}` : ''
    if ((last.get(id) ?? '') === key) return
    last.set(id, key)
    fn(session, vote)
  })
}

/**
 * Runs `fn` for a session at most once per `ms`: the first poke starts the wait, the pokes during
 * it are folded into that one run. For counts that change in bursts (a room voting at once).
 */
export function perSessionThrottle(ms: number, fn: (session: LiveSession) => void): { poke(session: LiveSession): void; stop(): void } {
  const pending = new Map<string, NodeJS.Timeout>()
  return {
    poke(session) {
      if (pending.has(session.id)) return
      const t = setTimeout(() => {
        pending.delete(session.id)
        fn(session)
      }, ms)
      t.unref()
      pending.set(session.id, t)
    },
    stop() {
      for (const t of pending.values()) clearTimeout(t)
      pending.clear()
    },
  }
}
