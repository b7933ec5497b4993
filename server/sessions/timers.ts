import { readMeta } from '../../shared/board-doc.ts'
import { setTimer, updateMeta } from '../board/rules.ts'
import type { Logger } from '../log.ts'
import type { LiveSession, SessionHub } from './hub.ts'

/**
 * Countdowns. The end time lives in the board (so screens count down by themselves and it
 * survives a restart); this only acts when one ends: it locks posting when asked to.
 */
export class SessionTimers {
  private readonly pending = new Map<string, NodeJS.Timeout>()
  private readonly stopListening: () => void

  constructor(
    hub: SessionHub,
    private readonly log: Logger,
  ) {
    const offLoaded = hub.onLoaded((session) => this.schedule(session))
    const offUnloaded = hub.onUnloaded((id) => this.clear(id))
    const offDeleted = hub.onDeleted((id) => this.clear(id))
    this.stopListening = () => (offLoaded(), offUnloaded(), offDeleted())
  }

  start(session: LiveSession, seconds: number, lockOnEnd: boolean, now = Date.now()): void {
    setTimer(session.doc, { endsAt: now + seconds * 1_000, seconds, lockOnEnd })
    this.schedule(session)
  }

  stop(session: LiveSession): void {
    this.clear(session.row.id)
    setTimer(session.doc, null)
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
    const id = session.row.id
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
        updateMeta(session.doc, { locked: true })
        setTimer(session.doc, { ...timer, lockOnEnd: false })
        this.log.debug(`timer of session ${id} ended: posting locked`)
      }
    }, wait)
    handle.unref()
    this.pending.set(id, handle)
  }
}
