/**
 * Dates and titles in the kiosk's own time zone (what people in the room saw), for the names
 * of copies and the columns a spreadsheet reads as dates.
 */
const pad = (n: number) => String(n).padStart(2, '0')

/** `2026-11-30` */
export function localDate(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** `2026-11-30 14:05:09`: Excel, LibreOffice and Google Sheets read this as a date and time. */
export function localDateTime(ms: number): string {
  const d = new Date(ms)
  return `${localDate(ms)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** A title with a suffix that says what the copy is, shortening the title (never the suffix) to fit. */
export function suffixedTitle(title: string, suffix: string, maxChars: number): string {
  const room = Math.max(1, maxChars - Array.from(suffix).length)
  const chars = Array.from(title)
  const base = chars.length > room ? chars.slice(0, room - 1).join('') + '…' : title
  return base + suffix
}
