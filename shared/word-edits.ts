/**
 * Hiding and merging words of a text question's cloud (`survey:words`): the rules as pure
 * functions over a question's `WordEdits`, shared by the kiosk (which applies them) and the
 * console (which lists them). Words compare folded, as the cloud counts them (shared/words.ts).
 */
import type { ErrorCode } from './errors.ts'
import type { WordEdits } from './survey.ts'
import { checkLine } from './text.ts'
import { foldWord, type CountWordsOptions } from './words.ts'

export const WORD_ACTIONS = ['hide', 'unhide', 'merge', 'unmerge'] as const
export type WordAction = (typeof WORD_ACTIONS)[number]

export type WordEditRequest = { action: 'hide' | 'unhide' | 'unmerge'; word: string } | { action: 'merge'; word: string; into: string }

/** A word of the cloud as the facilitator names it: one line, compared and shown after NFKC like the cloud's words. */
export function cloudWord(raw: string, maxChars: number): ReturnType<typeof checkLine> {
  const line = checkLine(raw.normalize('NFKC'), maxChars, false)
  return line.ok ? { ok: true, text: line.text.trim() } : line
}

export const noEdits = (): WordEdits => ({ hidden: [], merged: [] })

const same = (a: string, b: string) => foldWord(a) === foldWord(b)

/** A question's edits as stored, or none; anything malformed is left out rather than trusted. */
export function readWordEdits(v: unknown): WordEdits {
  if (typeof v !== 'object' || v === null) return noEdits()
  const e = v as Record<string, unknown>
  const hidden = Array.isArray(e.hidden) ? e.hidden.filter((w): w is string => typeof w === 'string') : []
  const merged = Array.isArray(e.merged)
    ? e.merged.filter((m): m is { word: string; into: string } => typeof m === 'object' && m !== null && typeof m.word === 'string' && typeof m.into === 'string')
    : []
  return { hidden, merged: merged.map(({ word, into }) => ({ word, into })) }
}

export const hasEdits = (e: WordEdits): boolean => e.hidden.length > 0 || e.merged.length > 0

/** What `countWords` takes. Merges go through a Map, never a plain object, so no word (`__proto__`) is a key. */
export function countOptions(e: WordEdits | undefined): Pick<CountWordsOptions, 'hidden' | 'merged'> {
  if (!e || !hasEdits(e)) return {}
  return { hidden: e.hidden, merged: new Map(e.merged.map((m) => [m.word, m.into])) }
}

/**
 * Apply one request to a question's edits; the words are already cleaned. Hiding or unhiding a
 * word twice changes nothing. A merge into a word that is itself merged goes to that word's
 * target, and words merged into the merged word follow it, so merges stay one level deep;
 * merging a word into itself is `invalid`. Unmerging a target splits every word merged into it.
 */
export function editWords(
  edits: WordEdits,
  req: WordEditRequest,
  limits: { maxHiddenWordsPerQuestion: number; maxMergedWordsPerQuestion: number },
): { ok: true; edits: WordEdits } | { ok: false; error: ErrorCode } {
  const { word } = req
  if (req.action === 'hide') {
    if (edits.hidden.some((h) => same(h, word))) return { ok: true, edits }
    if (edits.hidden.length >= limits.maxHiddenWordsPerQuestion) return { ok: false, error: 'full' }
    return { ok: true, edits: { ...edits, hidden: [...edits.hidden, word] } }
  }
  if (req.action === 'unhide') {
    const hidden = edits.hidden.filter((h) => !same(h, word))
    return { ok: true, edits: hidden.length === edits.hidden.length ? edits : { ...edits, hidden } }
  }
  if (req.action !== 'merge') {
    const asSource = edits.merged.filter((m) => !same(m.word, word))
    const merged = asSource.length < edits.merged.length ? asSource : edits.merged.filter((m) => !same(m.into, word))
    return { ok: true, edits: merged.length === edits.merged.length ? edits : { ...edits, merged } }
  }
  let merged = edits.merged
  let into = req.into
  const onward = merged.find((m) => same(m.word, into))
  if (onward && same(onward.into, word)) merged = merged.filter((m) => m !== onward) // X was merged into word: now word goes into X
  else if (onward) into = onward.into
  if (same(into, word)) return { ok: false, error: 'invalid' }
  merged = merged.filter((m) => !same(m.word, word)).map((m) => (same(m.into, word) ? { word: m.word, into } : m))
  merged = [...merged, { word, into }]
  if (merged.length > limits.maxMergedWordsPerQuestion) return { ok: false, error: 'full' }
  return { ok: true, edits: { ...edits, merged } }
}
