import fs from 'node:fs'
import path from 'node:path'
import type { SessionRecord } from './record.ts'
import { markdownSteps } from './markdown.ts'
import { recordJsonSteps, runInTurns, utf8Steps } from './in-turns.ts'

/** A file name from a title: what every OS accepts, still readable in Japanese. */
export function safeFileName(title: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = title.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '').replace(/\s+/g, '_').replace(/^\.+/, '')
  return Array.from(cleaned).slice(0, 40).join('') || 'session'
}

/**
 * Write a closed session's record as plain files the secretariat can find without the kiosk:
 * `DATA_DIR/records/<date>_<title>_<id>.json` and `.md`. Returns the paths written.
 */
export async function writeRecordFiles(dataDir: string, record: SessionRecord): Promise<string[]> {
  const dir = path.join(dataDir, 'records')
  await fs.promises.mkdir(dir, { recursive: true })
  // The date people in the room saw: the kiosk's own time zone, not UTC.
  const d = new Date(record.session.createdAt)
  const date = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
  const base = path.join(dir, `${date}_${safeFileName(record.session.title)}_${record.session.id}`)
  const files = [`${base}.json`, `${base}.md`]
  // Written off the event loop (at the note cap these are megabytes), each under a temporary
  // name first; the JSON is renamed last, so whoever sees it (recordFilesOf, the console asking
  // after a close, the secretariat) finds both files whole.
  // Both written a few notes per turn of the event loop (see in-turns.ts).
  await fs.promises.writeFile(`${files[1]}.tmp`, await runInTurns(utf8Steps([await runInTurns(markdownSteps(record))])))
  await fs.promises.writeFile(`${files[0]}.tmp`, await runInTurns(utf8Steps([...(await runInTurns(recordJsonSteps(record))), '\n'])))
  await fs.promises.rename(`${files[1]}.tmp`, files[1]!)
  await fs.promises.rename(`${files[0]}.tmp`, files[0]!)
  // A title corrected after the close names the files anew: the old names would be a stale copy.
  for (const old of recordFilesOf(dataDir, record.session.id)) if (!files.includes(old)) await fs.promises.rm(old, { force: true })
  return files
}

/** The record files written when a session was closed (none when it never was), newest name first. */
export function recordFilesOf(dataDir: string, sessionId: string): string[] {
  const dir = path.join(dataDir, 'records')
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const mine = names.filter((n) => n.endsWith(`_${sessionId}.json`) || n.endsWith(`_${sessionId}.md`))
  // Until its JSON is there (renamed last), a record is still being written: none yet.
  if (!mine.some((n) => n.endsWith('.json'))) return []
  return mine.sort().map((n) => path.join(dir, n))
}
