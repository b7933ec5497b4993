import { PATHS } from '../../../shared/protocol.ts'
import { offsetFromDateHeader } from '../lib/clock.ts'
import { getJson } from '../lib/page.ts'

interface JoinResponse {
  id: string
  title: string
  joinUrl: string
}

/** What the projector prints under its QR code, for people who cannot scan it. */
export class JoinInfo {
  readonly sessionId: string
  title = $state('')
  joinUrl = $state('')
  notFound = $state(false)
  /** kiosk time minus this screen's, for the countdown (the board gets no `serverNow`) */
  clockOffset = $state(0)

  constructor(sessionId: string) {
    this.sessionId = sessionId
  }

  async load(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const sentAt = Date.now()
        const res = await getJson<JoinResponse>(`${PATHS.sessions}/${encodeURIComponent(this.sessionId)}/join`)
        this.clockOffset = offsetFromDateHeader(res.date, sentAt, Date.now())
        if (res.status === 404) this.notFound = true
        if (res.body) {
          this.title = res.body.title
          this.joinUrl = res.body.joinUrl
        }
        if (res.status < 500) return
      } catch {
        // The kiosk is not reachable yet (the board may open before the server is up).
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1_000 * 2 ** attempt)))
    }
  }
}
