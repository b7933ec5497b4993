/**
 * A session's day and time written out as people write it on paper (2026年11月26日 10:00,
 * 26 November 2026 at 10:00): the archive list, the board's picture and its printed page.
 */
export function longDate(epochMs: number, lang: string): string {
  if (!(epochMs > 0)) return ''
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(epochMs)
}
