/**
 * Note texts for the bench: the sample notes of a municipal DX workshop (bench/fixtures, a copy
 * of the project's shared fixture), each followed by a tag that names the note, so the board can
 * tell which note it sees without any clock in the text.
 */
import fs from 'node:fs'
import path from 'node:path'

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'notes-ja.txt')

let cached: string[] | undefined

export function sampleTexts(): string[] {
  cached ??= fs
    .readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/\\n/g, '\n'))
    // leave room for the tag within the 200-character limit
    .map((l) => Array.from(l).slice(0, 170).join(''))
  return cached
}

/** The tag is plain ASCII at the very end, which the server's text cleaning keeps as it is. */
export const tagText = (sample: string, key: string): string => `${sample} #k${key}`

const TAG = /#k([A-Za-z0-9._-]+)$/

export const readTag = (text: unknown): string | undefined => (typeof text === 'string' ? TAG.exec(text)?.[1] : undefined)
