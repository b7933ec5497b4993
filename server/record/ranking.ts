import type { SessionRecord } from './record.ts'
import type { RecordLang } from './labels.ts'

/**
 * The vote's ranking for the top of the minutes: what the room chose is the first thing the
 * secretariat reads. Notes with dots, most first; equal counts share a place.
 */
const WORDS: Record<RecordLang, { heading: string; line: (rank: number, text: string, votes: number) => string }> = {
  ja: { heading: '投票の結果', line: (rank, text, votes) => `${rank}位：${text}（${votes}票）` },
  en: { heading: 'Vote results', line: (rank, text, votes) => `No. ${rank}: ${text} (${votes} ${votes === 1 ? 'dot' : 'dots'})` },
}

/** Markdown lines (heading, list, blank line), or none when nobody voted. `escape` keeps a note one line of plain text. */
export function rankingLines(record: SessionRecord, lang: RecordLang, escape: (text: string) => string, limit = 10): string[] {
  const voted = record.notes
    .filter((n) => n.votes > 0 && n.status === 'visible')
    .sort((a, b) => b.votes - a.votes || Date.parse(a.createdAt) - Date.parse(b.createdAt))
  if (voted.length === 0) return []
  const W = WORDS[lang]
  const out = [`## ${W.heading}`, '']
  let rank = 0
  voted.slice(0, limit).forEach((n, i) => {
    if (i === 0 || voted[i - 1]!.votes !== n.votes) rank = i + 1
    out.push(`- ${W.line(rank, escape(n.text.replace(/\s*\n\s*/g, ' ')), n.votes)}`)
  })
  out.push('')
  return out
}
