import type * as Y from 'yjs'
import { readMeta } from '../../shared/board-doc.ts'
import { setTimer, updateMeta } from '../board/rules.ts'
import type { Logger } from '../log.ts'
import type { SessionRegistry } from './registry.ts'
import type { LiveSession } from './session.ts'

/**
 * Countdowns. The end time lives in the board (so screens count down by themselves and it
 * survives a restart); this only acts when one ends: it locks posting when asked to.
 */
export class SessionTimers {
  private readonly pending = new Map<string, NodeJS.Timeout>()
  private readonly stopListening: () => void

  constructor(
    sessions: SessionRegistry,
    private readonly log: Logger,
  ) {
    const offLoaded = sessions.events.loaded.on((session) => this.schedule(session))
    const offUnloaded = sessions.events.unloaded.on((id) => this.clear(id))
    const offDeleted = sessions.events.deleted.on((id) => this.clear(id))
    this.stopListening = () => (offLoaded(), offUnloaded(), offDeleted())
  }

  async start(session: LiveSession, seconds: number, lockOnEnd: boolean, now = Date.now()): Promise<void> {
    await session.commit({ apply: (doc) => setTimer(doc, { endsAt: now + seconds * 1_000, seconds, lockOnEnd }) })
    this.schedule(session)
  }

  async stop(session: LiveSession): Promise<void> {
    this.clear(session.id)
    await session.commit({ apply: (doc) => setTimer(doc, null) })
  }

  close(): void {
    this.stopListening()
    for (const t of this.pending.values()) clearTimeout(t)
    this.pending.clear()
  }

  private clear(id: string): void {
    const t = this.pending.get(id)
    if (t) clearTimeout(t)
    this.pending.delete(id)
  }

  private schedule(session: LiveSession): void {
    const id = session.id
    this.clear(id)
    const timer = readMeta(session.doc).timer
    if (!timer) return
    const wait = Math.max(0, timer.endsAt - Date.now())
    const handle = setTimeout(() => {
      this.pending.delete(id)
      const now = readMeta(session.doc).timer
      if (now?.endsAt !== timer.endsAt) return
      if (timer.lockOnEnd) {
        // Lock once: a facilitator who unlocks afterwards is not overruled after a restart.
        const lock = (doc: Y.Doc) => {
          updateMeta(doc, { locked: true })
          setTimer(doc, { ...timer, lockOnEnd: false })
        }
        session.commit({ apply: lock }).then(
          () => this.log.debug(`timer of session ${id} ended: posting locked`),
          (err: Error) => this.log.error(`timer of session ${id} ended but the lock could not be stored:`, err.message),
        )
      }
    }, wait)
    handle.unref()
    this.pending.set(id, handle)
  }
}
