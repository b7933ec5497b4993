/**
 * Countdowns on three screens from one end time on the kiosk's clock. A phone's or a laptop's
 * own clock can be minutes off, so each screen keeps an offset (kiosk time minus its own) and
 * counts down against that. Pure functions: tested in tests/unit/clock.test.ts.
 */

/** Kiosk time minus local time, from a `serverNow` received at `receivedAt` (local ms). */
export function clockOffset(serverNow: number, receivedAt: number): number {
  return Number.isFinite(serverNow) && Number.isFinite(receivedAt) ? serverNow - receivedAt : 0
}

/**
 * The offset from an HTTP `Date` header, which has whole seconds only: the kiosk's clock was
 * somewhere in [date, date + 1 s) halfway through the request. A difference under `ignoreMs` is
 * more likely that rounding than a wrong clock, so it counts as none.
 */
export function offsetFromDateHeader(header: string | null, sentAt: number, receivedAt: number, ignoreMs = 1_500): number {
  const date = header ? Date.parse(header) : NaN
  if (!Number.isFinite(date)) return 0
  const offset = date + 500 - (sentAt + receivedAt) / 2
  return Math.abs(offset) < ignoreMs ? 0 : Math.round(offset)
}

/** Milliseconds left until `endsAt` (kiosk clock), never below zero. */
export function remainingMs(endsAt: number, localNow: number, offset: number): number {
  return Math.max(0, endsAt - (localNow + offset))
}

/** "4:05", "0:09" or "1:02:03": whole seconds, rounded up so 0:00 means the end. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1_000))
  const h = Math.floor(total / 3_600)
  const m = Math.floor((total % 3_600) / 60)
  const s = total % 60
  const ss = String(s).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}
