import type { SessionRecord } from './record.ts'
import { formatDate, LABELS, type RecordLang } from './labels.ts'
import { rankingLines } from './ranking.ts'
import { surveyMarkdown } from './surveys.ts'
import { questionLines } from './questions.ts'
import { NOTES_PER_STEP, runNow } from './in-turns.ts'

/**
 * The record as Markdown, ready to paste into minutes. Every user text (notes, titles, prompts,
 * group names) is escaped so that it renders as its own characters and nothing else: every
 * ASCII punctuation character that CommonMark or GFM gives a meaning to is backslash-escaped
 * (so no line of it can start a heading, a setext underline `===`/`---`, a list item `-`/`*`/`+`/
 * `1.`/`1)`, a blockquote, a code fence, a thematic break, a table, raw HTML, a link or an entity),
 * tabs and leading spaces cannot make indented code, and a note's line breaks are hard breaks
 * (`\` at the end of the line) inside its one list item: even an empty line stays inside it.
 */
const SPECIAL = /[\\`*_{}[\]()<>#+\-.!|~=&]/g
/** Line ends CommonMark knows (a lone CR is one), and tabs, which count as indentation. */
const normalise = (text: string) => text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ')
const escapeChars = (line: string) => line.replace(SPECIAL, (c) => (c === '&' ? '&amp;' : `\\${c}`))

/** One line of user text for a heading or a list line: line breaks become spaces. */
export function escapeMarkdown(text: string): string {
  return escapeChars(normalise(text).replace(/\n/g, ' ').trim())
}

/** User text of several lines as the content of a list item indented by `indent`. */
export function escapeMarkdownLines(text: string, indent: string): string {
  const lines = normalise(text)
    .trim()
    .split('\n')
    .map((l) => escapeChars(l.trim()))
  return lines.join(`\\\n${indent}`)
}

type Group = SessionRecord['groups'][number]
type Note = SessionRecord['notes'][number]

const byVotesThenTime = (a: Note, b: Note) => b.votes - a.votes || a.createdAt.localeCompare(b.createdAt)

export function toMarkdown(record: SessionRecord, lang: RecordLang = 'ja'): string {
  return runNow(markdownSteps(record, lang))
}

/**
 * The Markdown, written with a pause every `NOTES_PER_STEP` notes: `runInTurns` writes a record
 * at the note cap over several turns of the event loop, `toMarkdown` at once, byte for byte the same.
 */
export function* markdownSteps(record: SessionRecord, lang: RecordLang = 'ja'): Generator<void, string> {
  const L = LABELS[lang]
  let written = 0
  const out: string[] = []
  out.push(`# ${escapeMarkdown(record.session.title)}`, '')
  out.push(`- ${L.date}: ${formatDate(record.session.createdAt, lang)}`)
  out.push(`- ${L.notes}: ${L.count(record.counts.visible)}`)
  out.push(`- ${L.phones}: ${L.devices(record.counts.phones)}`)
  if (record.counts.votes > 0) out.push(`- ${L.votes}: ${L.voteCount(record.counts.votes)}`)
  if (!record.includesHidden && record.counts.visible < record.counts.notes) out.push(`- ${L.hiddenNote}`)
  out.push('')
  out.push(...rankingLines(record, lang, escapeMarkdown))

  const noteLine = (n: Note, depth: number) => {
    const votes = n.votes > 0 ? ` (${L.voteCount(n.votes)})` : ''
    const status = record.includesHidden && n.status !== 'visible' ? ` [${L.statuses[n.status]}]` : ''
    return `${'  '.repeat(depth)}- ${escapeMarkdownLines(n.text, '  '.repeat(depth + 1))}${votes}${status}`
  }
  const prompts = record.prompts.length > 0 ? record.prompts : [{ id: '', text: record.session.prompt, order: 0, createdAt: '' }]
  // Everything below is looked up in maps made once, so a record at the note cap is written in
  // one pass over its notes, not one pass per group (which took most of a second at 20,000).
  const children = new Map<string | null, Group[]>()
  const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => (map.get(key) ?? map.set(key, []).get(key)!).push(value)
  for (const g of record.groups) push(children, g.parentId, g)
  const childrenOf = (parentId: string | null) => children.get(parentId) ?? []
  const promptIds = new Set(record.prompts.map((p) => p.id))

  for (const prompt of prompts) {
    yield
    const notes = record.notes.filter((n) => n.promptId === prompt.id || (prompts.length === 1 && !promptIds.has(n.promptId)))
    if (notes.length === 0 && prompts.length > 1) continue
    out.push(`## ${L.prompt}: ${escapeMarkdown(prompt.text)}`, '')
    const ownNotes = new Map<string, Note[]>()
    for (const n of notes) if (n.groupId !== null) push(ownNotes, n.groupId, n)
    const votesMemo = new Map<string, number>()
    const groupVotes = (g: Group): number => {
      let v = votesMemo.get(g.id)
      if (v === undefined) {
        v = (ownNotes.get(g.id) ?? []).reduce((a, n) => a + n.votes, 0) + childrenOf(g.id).reduce((a, c) => a + groupVotes(c), 0)
        votesMemo.set(g.id, v)
      }
      return v
    }
    const hasMemo = new Map<string, boolean>()
    const hasNotes = (g: Group): boolean => {
      let h = hasMemo.get(g.id)
      if (h === undefined) {
        h = ownNotes.has(g.id) || childrenOf(g.id).some(hasNotes)
        hasMemo.set(g.id, h)
      }
      return h
    }
    const writeGroup = function* (g: Group, level: number): Generator<void> {
      if (!hasNotes(g)) return
      const v = groupVotes(g)
      out.push(`${'#'.repeat(Math.min(level, 6))} ${escapeMarkdown(g.name)}${v > 0 ? ` (${L.voteCount(v)})` : ''}`, '')
      const own = [...(ownNotes.get(g.id) ?? [])].sort(byVotesThenTime)
      for (const n of own) {
        out.push(noteLine(n, 0))
        if (++written % NOTES_PER_STEP === 0) yield
      }
      if (own.length > 0) out.push('')
      for (const c of [...childrenOf(g.id)].sort((a, b) => groupVotes(b) - groupVotes(a))) yield* writeGroup(c, level + 1)
    }
    for (const g of [...childrenOf(null)].sort((a, b) => groupVotes(b) - groupVotes(a))) yield* writeGroup(g, 3)
    const known = new Set(record.groups.map((g) => g.id))
    const loose = notes.filter((n) => n.groupId === null || !known.has(n.groupId)).sort(byVotesThenTime)
    if (loose.length > 0) {
      if (record.groups.length > 0) out.push(`### ${L.ungrouped}`, '')
      for (const n of loose) {
        out.push(noteLine(n, 0))
        if (++written % NOTES_PER_STEP === 0) yield
      }
      out.push('')
    }
  }
  yield
  out.push('', ...questionLines(record, lang, escapeMarkdown))
  out.push(...surveyMarkdown(record.surveys ?? [], lang, escapeMarkdown))
  yield
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n'
}
