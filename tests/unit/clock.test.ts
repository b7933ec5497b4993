import { describe, expect, it } from 'vitest'
import { clockOffset, formatCountdown, offsetFromDateHeader, remainingMs } from '../../client/src/lib/clock.ts'

describe('countdowns against the kiosk clock', () => {
  it('counts down from the kiosk end time even when the screen clock is off', () => {
    // The phone is 90 s behind the kiosk.
    const offset = clockOffset(1_000_090_000, 1_000_000_000)
    expect(offset).toBe(90_000)
    const endsAt = 1_000_090_000 + 60_000
    expect(remainingMs(endsAt, 1_000_000_000, offset)).toBe(60_000)
    expect(remainingMs(endsAt, 1_000_000_000 + 59_000, offset)).toBe(1_000)
    expect(remainingMs(endsAt, 1_000_000_000 + 120_000, offset)).toBe(0)
  })

  it('formats whole seconds rounded up, so 0:00 only shows at the end', () => {
    expect(formatCountdown(0)).toBe('0:00')
    expect(formatCountdown(1)).toBe('0:01')
    expect(formatCountdown(9_000)).toBe('0:09')
    expect(formatCountdown(245_000)).toBe('4:05')
    expect(formatCountdown(299_001)).toBe('5:00')
    expect(formatCountdown(3_723_000)).toBe('1:02:03')
    expect(formatCountdown(-5)).toBe('0:00')
  })

  it('reads an offset from an HTTP Date header and ignores rounding-sized ones', () => {
    const at = Date.parse('2026-11-26T10:00:00Z')
    expect(offsetFromDateHeader(new Date(at).toUTCString(), at, at + 40)).toBe(0)
    expect(offsetFromDateHeader(new Date(at + 120_000).toUTCString(), at, at + 40)).toBe(120_480)
    expect(offsetFromDateHeader(new Date(at - 60_000).toUTCString(), at, at)).toBe(-59_500)
    expect(offsetFromDateHeader(null, at, at)).toBe(0)
    expect(offsetFromDateHeader('not a date', at, at)).toBe(0)
  })
})
