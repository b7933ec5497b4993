import { describe, expect, it } from 'vitest'
import type { Group, Note, Prompt } from '../../shared/board.ts'
import { balancedRuns, fitSections, sectionCardRect, type Rect } from '../../client/src/board/layout.ts'
import { groupSections, promptGroupSections, promptSections } from '../../client/src/board/sections.ts'

const note = (id: string, groupId: string | null = null, promptId = 'p1'): Note => ({ id, text: id, createdAt: Number(id.replace(/\D/g, '')) || 0, status: 'visible', promptId, groupId })
const overlaps = (a: Rect, b: Rect): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h

describe('the areas of the board', () => {
  const groups: Group[] = [
    { id: 'a', name: '窓口', parentId: null, createdAt: 1 },
    { id: 'b', name: '待ち時間', parentId: 'a', createdAt: 2 },
    { id: 'e', name: '空', parentId: null, createdAt: 3 },
  ]

  it('gives each group with notes an area headed by its path, then the ungrouped notes', () => {
    const sections = groupSections([note('n1', 'a'), note('n2', 'b'), note('n3'), note('n4', 'b')], groups)
    expect(sections.map((s) => [s.kind, s.label, s.notes.map((n) => n.id)])).toEqual([
      ['group', '窓口', ['n1']],
      ['group', '窓口 › 待ち時間', ['n2', 'n4']],
      ['ungrouped', '', ['n3']],
    ])
  })

  it('keeps the groups when every prompt is shown: one area per group within each prompt', () => {
    const prompts: Prompt[] = [
      { id: 'p1', text: '問い1', createdAt: 1, order: 0 },
      { id: 'p2', text: '問い2', createdAt: 2, order: 1 },
    ]
    const sections = promptGroupSections([note('n1', 'b'), note('n2'), note('n3', null, 'p2'), note('n4', 'a', 'p2')], prompts, 'p1', groups)
    expect(sections.map((s) => [s.kind, s.label, s.notes.map((n) => n.id)])).toEqual([
      ['group', '問い1 › 窓口 › 待ち時間', ['n1']],
      ['prompt', '問い1', ['n2']],
      ['group', '問い2 › 窓口', ['n4']],
      ['prompt', '問い2', ['n3']],
    ])
    // A prompt without groups stays one area headed by its text.
    expect(promptGroupSections([note('n5'), note('n6')], prompts, 'p1', groups).map((s) => [s.kind, s.label])).toEqual([['prompt', '問い1']])
  })

  it('stays one plain area while no group holds a note', () => {
    const sections = groupSections([note('n1'), note('n2')], groups)
    expect(sections).toHaveLength(1)
    expect(sections[0]!.kind).toBe('all')
  })

  it('puts notes under their prompt when every prompt is shown', () => {
    const prompts: Prompt[] = [
      { id: 'p1', text: '困っていること', createdAt: 1, order: 0 },
      { id: 'p2', text: '試したいこと', createdAt: 2, order: 1 },
    ]
    const sections = promptSections([note('n1', null, 'p2'), note('n2', null, 'p1'), note('n3', null, '')], prompts, 'p2')
    expect(sections.map((s) => [s.label, s.notes.map((n) => n.id)])).toEqual([
      ['困っていること', ['n2']],
      ['試したいこと', ['n1', 'n3']],
    ])
  })
})

describe('balancedRuns', () => {
  it('splits weights into consecutive runs with the smallest largest sum', () => {
    expect(balancedRuns([1, 1, 1, 1], 2)).toEqual([
      [0, 1],
      [2, 3],
    ])
    expect(balancedRuns([10, 1, 1, 1], 2)).toEqual([[0], [1, 2, 3]])
    expect(balancedRuns([3], 4)).toEqual([[0]])
  })
})

describe('fitSections', () => {
  // A fixed pseudo-random sequence, so a failure names a case that can be run again.
  let seed = 42
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed % n
  }
  const cases: number[][] = [[1], [3, 4, 2], [30, 20, 10, 5, 3, 2, 1], [100, 100, 100], Array(12).fill(2), [150, 1]]
  for (let i = 0; i < 40; i++) cases.push(Array.from({ length: 1 + rand(12) }, () => 1 + rand(40)))

  for (const [width, height] of [
    [1500, 880],
    [1000, 560],
  ] as const) {
    it(`fits every card of every section inside ${width}×${height}, without overlap, all the same size`, () => {
      for (const counts of cases) {
        const layout = fitSections(counts, width, height)
        const where = `counts ${counts.join(',')}`
        expect(layout.sections, where).toHaveLength(counts.length)
        expect(layout.cardW, where).toBeGreaterThan(0)
        expect(layout.cardH, where).toBeGreaterThan(0)
        expect(layout.cardW / layout.cardH, where).toBeGreaterThanOrEqual(0.99)
        expect(layout.cardW / layout.cardH, where).toBeLessThanOrEqual(1.81)
        const boxes = layout.sections
        const cards: Rect[] = []
        boxes.forEach((box, i) => {
          expect(box.x, where).toBeGreaterThanOrEqual(0)
          expect(box.y, where).toBeGreaterThanOrEqual(0)
          expect(box.x + box.w, where).toBeLessThanOrEqual(width)
          expect(box.y + box.h, where).toBeLessThanOrEqual(height)
          expect(box.cols * box.rows, where).toBeGreaterThanOrEqual(counts[i]!)
          for (let j = 0; j < counts[i]!; j++) {
            const r = sectionCardRect(j, box, layout)
            // inside its own area, below its header
            expect(r.x, where).toBeGreaterThanOrEqual(box.x)
            expect(r.y, where).toBeGreaterThanOrEqual(box.y + box.headerH)
            expect(r.x + r.w, where).toBeLessThanOrEqual(box.x + box.w)
            expect(r.y + r.h, where).toBeLessThanOrEqual(box.y + box.h)
            cards.push(r)
          }
        })
        for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) expect(overlaps(boxes[a]!, boxes[b]!), where).toBe(false)
        for (let a = 0; a < cards.length; a++) {
          for (let b = a + 1; b < cards.length; b++) if (overlaps(cards[a]!, cards[b]!)) throw new Error(`${where}: cards ${a} and ${b} overlap`)
        }
      }
    })
  }

  it('never makes cards bigger when a note is added to a section', () => {
    for (const base of [[3, 4, 2], [10, 1, 1, 1], [5, 5, 5, 5, 5]]) {
      let previous = Infinity
      for (let extra = 0; extra < 40; extra++) {
        const counts = [...base]
        counts[0]! += extra
        const l = fitSections(counts, 1500, 880)
        expect(l.cardW * l.cardH).toBeLessThanOrEqual(previous)
        previous = l.cardW * l.cardH
      }
    }
  })

  it('returns nothing for an empty board or a zero-sized area', () => {
    expect(fitSections([], 1000, 500).sections).toEqual([])
    expect(fitSections([3], 0, 500).sections).toEqual([])
  })
})
