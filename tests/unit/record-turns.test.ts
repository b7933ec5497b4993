import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createGroup, moveNote } from '../../shared/grouping.ts'
import { addDots, addNote, addPrompt, initBoard, moderateNote } from '../../server/board/rules.ts'
import { escapeMarkdown, escapeMarkdownLines, markdownSteps, toMarkdown } from '../../server/record/markdown.ts'
import { NOTES_PER_STEP, recordJsonSteps, runInTurns, utf8Steps } from '../../server/record/in-turns.ts'
import { buildRecord, buildRecordInTurns, RECORD_CHUNK, type SessionRecord } from '../../server/record/record.ts'
import { csvSteps, toCsv } from '../../server/record/csv.ts'
import { LABELS } from '../../server/record/labels.ts'

/** A session with several prompts, nested groups, votes and every status, of `n` notes. */
function bigSession(n: number): Y.Doc {
  const doc = new Y.Doc()
  initBoard(doc, { title: '大きな会', prompt: '一つ目', createdAt: 1_700_000_000_000 }, 'p1')
  addPrompt(doc, 'p2', '二つ目', 1_700_000_000_001, false)
  for (let g = 0; g < 12; g++) createGroup(doc, `g${g}`, `グループ${g}`, g >= 4 ? `g${g % 4}` : null, 1_700_000_000_000 + g)
  for (let i = 0; i < n; i++) {
    if (i === Math.floor(n / 2)) addPrompt(doc, 'p3', '三つ目', 1_700_000_000_002, true)
    addNote(doc, `n${i}`, `付箋 ${i} # - * ${'あ'.repeat(i % 40)}`, 1_700_000_000_000 + (i % 977), i % 11 === 0 ? 'pending' : 'visible')
    if (i % 3 !== 0) moveNote(doc, `n${i}`, `g${i % 12}`)
    if (i % 7 === 0) addDots(doc, `n${i}`, 1 + (i % 4))
    if (i % 13 === 0) moderateNote(doc, `n${i}`, 'hide')
  }
  return doc
}

/** The Markdown body as the straightforward (and slow: a pass per group) writer made it, for comparison. */
function naiveGroups(record: SessionRecord): string[] {
  const L = LABELS.ja
  const out: string[] = []
  const childrenOf = (parentId: string | null) => record.groups.filter((g) => g.parentId === parentId)
  for (const prompt of record.prompts) {
    const notes = record.notes.filter((n) => n.promptId === prompt.id)
    if (notes.length === 0) continue
    out.push(`## ${L.prompt}: ${escapeMarkdown(prompt.text)}`)
    type G = SessionRecord['groups'][number]
    const votes = (g: G): number => notes.filter((n) => n.groupId === g.id).reduce((a, n) => a + n.votes, 0) + childrenOf(g.id).reduce((a, c) => a + votes(c), 0)
    const has = (g: G): boolean => notes.some((n) => n.groupId === g.id) || childrenOf(g.id).some(has)
    const write = (g: G, level: number) => {
      if (!has(g)) return
      out.push(`${'#'.repeat(level)} ${escapeMarkdown(g.name)}${votes(g) > 0 ? ` (${L.voteCount(votes(g))})` : ''}`)
      const own = notes.filter((n) => n.groupId === g.id).sort((a, b) => b.votes - a.votes || a.createdAt.localeCompare(b.createdAt))
      for (const n of own) out.push(`- ${escapeMarkdownLines(n.text, '  ')}${n.votes > 0 ? ` (${L.voteCount(n.votes)})` : ''}`)
      for (const c of childrenOf(g.id).sort((a, b) => votes(b) - votes(a))) write(c, level + 1)
    }
    for (const g of childrenOf(null).sort((a, b) => votes(b) - votes(a))) write(g, 3)
    const known = new Set(record.groups.map((g) => g.id))
    const loose = notes.filter((n) => n.groupId === null || !known.has(n.groupId)).sort((a, b) => b.votes - a.votes || a.createdAt.localeCompare(b.createdAt))
    if (loose.length > 0 && record.groups.length > 0) out.push(`### ${L.ungrouped}`)
    for (const n of loose) out.push(`- ${escapeMarkdownLines(n.text, '  ')}${n.votes > 0 ? ` (${L.voteCount(n.votes)})` : ''}`)
  }
  return out
}

describe('the record of a large session, built in turns', () => {
  const doc = bigSession(RECORD_CHUNK * 3 + 345)
  const opts = { includeHidden: false, phones: 12, now: 1_700_000_100_000 }

  it('is exactly the record built at once, with and without hidden notes', async () => {
    expect(await buildRecordInTurns('s1', doc, opts)).toEqual(buildRecord('s1', doc, opts))
    const all = { ...opts, includeHidden: true }
    expect(await buildRecordInTurns('s1', doc, all)).toEqual(buildRecord('s1', doc, all))
  })

  it('lets timers run while it is built', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 0)
    const building = buildRecordInTurns('s1', doc, opts)
    const before = ticks
    await building
    clearInterval(timer)
    expect(ticks).toBeGreaterThan(before)
  })

  it('is written as Markdown group by group like the straightforward writer, and as CSV with a row per note', async () => {
    const record = await buildRecordInTurns('s1', doc, opts)
    const md = toMarkdown(record)
    // The vote's ranking opens the minutes (tested with the record); the groups follow it.
    const body = md.slice(md.indexOf('\n## 問い'))
    const structure = body.split('\n').filter((l) => /^(#{2,6} |- )/.test(l) && !l.startsWith('- 日時') && !/^- (付箋|投稿した端末|票):/.test(l) && !l.startsWith('- （'))
    expect(structure).toEqual(naiveGroups(record))
    expect(toCsv(record).split('\r\n').filter((l) => l !== '')).toHaveLength(record.notes.length + 1)
  })

  it('is written out (JSON, Markdown, CSV) a few notes per step, byte for byte what one pass writes', async () => {
    const record = await buildRecordInTurns('s1', doc, { ...opts, includeHidden: true })
    // texts that look like the JSON around them
    record.notes[0]!.text = 'a "notes": [] b\n===\n- x'
    record.notes[1]!.text = '"notes": "\u0000kurumaza-notes\u0000"'
    const stepsOf = <T>(steps: Generator<void, T>): { value: T; pauses: number } => {
      let pauses = 0
      for (;;) {
        const step = steps.next()
        if (step.done) return { value: step.value, pauses }
        pauses++
      }
    }
    const least = Math.floor(record.notes.length / NOTES_PER_STEP)
    const json = stepsOf(recordJsonSteps(record))
    expect(json.value.join('')).toBe(JSON.stringify(record, null, 2))
    expect(json.pauses).toBeGreaterThanOrEqual(least)
    const md = stepsOf(markdownSteps(record, 'en'))
    expect(md.value).toBe(toMarkdown(record, 'en'))
    expect(md.pauses).toBeGreaterThanOrEqual(least)
    const csv = stepsOf(csvSteps(record))
    expect(csv.value).toBe(toCsv(record))
    expect(csv.pauses).toBeGreaterThanOrEqual(least)
    // and run over turns of the event loop, the same bytes
    expect((await runInTurns(utf8Steps(await runInTurns(recordJsonSteps(record))))).toString('utf8')).toBe(JSON.stringify(record, null, 2))
    const empty = { ...record, notes: [] }
    expect(stepsOf(recordJsonSteps(empty)).value.join('')).toBe(JSON.stringify(empty, null, 2))
  })
})
