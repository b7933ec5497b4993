import type { SessionRecord } from './record.ts'
import { formatDate, LABELS, type RecordLang } from './labels.ts'
import { rankingLines } from './ranking.ts'

/**
 * The record as Markdown, ready to paste into minutes. Note text is escaped so that no note
 * can start a heading, a list, a link, raw HTML or a table, whatever it contains.
 */
export function escapeMarkdown(text: string): string {
  const escaped = text.replace(/[\\`*_{}[\]()<>#+\-.!|~&]/g, (c) => (c === '&' ? '&amp;' : `\\${c}`))
  // Keep line breaks inside the list item: a hard break, then the item's indentation.
  return escaped.replace(/\n/g, '  \n  ')
}

type Group = SessionRecord['groups'][number]
type Note = SessionRecord['notes'][number]

const byVotesThenTime = (a: Note, b: Note) => b.votes - a.votes || a.createdAt.localeCompare(b.createdAt)

export function toMarkdown(record: SessionRecord, lang: RecordLang = 'ja'): string {
  const L = LABELS[lang]
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
    return `${'  '.repeat(depth)}- ${escapeMarkdown(n.text).replace(/\n {2}/g, `\n${'  '.repeat(depth + 1)}`)}${votes}${status}`
  }
  const prompts = record.prompts.length > 0 ? record.prompts : [{ id: '', text: record.session.prompt, order: 0, createdAt: '' }]
  const childrenOf = (parentId: string | null) => record.groups.filter((g) => g.parentId === parentId)

  for (const prompt of prompts) {
    const notes = record.notes.filter((n) => n.promptId === prompt.id || (prompts.length === 1 && !record.prompts.some((p) => p.id === n.promptId)))
    if (notes.length === 0 && prompts.length > 1) continue
    out.push(`## ${L.prompt}: ${escapeMarkdown(prompt.text)}`, '')
    const groupVotes = (g: Group): number =>
      notes.filter((n) => n.groupId === g.id).reduce((a, n) => a + n.votes, 0) + childrenOf(g.id).reduce((a, c) => a + groupVotes(c), 0)
    const hasNotes = (g: Group): boolean => notes.some((n) => n.groupId === g.id) || childrenOf(g.id).some(hasNotes)
    const writeGroup = (g: Group, level: number) => {
      if (!hasNotes(g)) return
      const v = groupVotes(g)
      out.push(`${'#'.repeat(Math.min(level, 6))} ${escapeMarkdown(g.name)}${v > 0 ? ` (${L.voteCount(v)})` : ''}`, '')
      const own = notes.filter((n) => n.groupId === g.id).sort(byVotesThenTime)
      for (const n of own) out.push(noteLine(n, 0))
      if (own.length > 0) out.push('')
      for (const c of childrenOf(g.id).sort((a, b) => groupVotes(b) - groupVotes(a))) writeGroup(c, level + 1)
    }
    for (const g of childrenOf(null).sort((a, b) => groupVotes(b) - groupVotes(a))) writeGroup(g, 3)
    const known = new Set(record.groups.map((g) => g.id))
    const loose = notes.filter((n) => n.groupId === null || !known.has(n.groupId)).sort(byVotesThenTime)
    if (loose.length > 0) {
      if (record.groups.length > 0) out.push(`### ${L.ungrouped}`, '')
      for (const n of loose) out.push(noteLine(n, 0))
      out.push('')
    }
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n'
}
