/**
 * Names for the files the screens save (records, the board's picture): `<date>_<title>.<ext>`,
 * readable in Japanese and accepted by Windows, macOS and Linux alike. The kiosk names the
 * record files it writes itself the same way (server/record/files.ts).
 */

/** A title as part of a file name: no path or reserved characters, no dot at either end, 40 characters at most. */
export function fileTitle(title: string): string {
  const cleaned = title
    .trim()
    // eslint-disable-next-line no-control-regex
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '')
    .replace(/\s+/g, '_')
    .replace(/^\.+|\.+$/g, '')
  return Array.from(cleaned).slice(0, 40).join('') || 'session'
}

/** The session's day on this computer's calendar, as YYYY-MM-DD (sorts by date in any file list). */
export function fileDate(epochMs: number): string {
  const d = new Date(epochMs)
  if (Number.isNaN(d.getTime())) return 'undated'
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`
}

export function sessionFileName(createdAt: number, title: string, ext: string): string {
  return `${fileDate(createdAt)}_${fileTitle(title)}.${ext}`
}
