import { describe, expect, it } from 'vitest'
import type { Group, Note, Prompt } from '../../shared/board.ts'
import { layoutWall, type Rect } from '../../client/src/board/layout.ts'
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

describe('layoutWall with sections', () => {
  // A fixed pseudo-random sequence, so a failure names a case that can be run again.
  let seed = 42
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed % n
  }
  const TEXTS = ['紙の申請書が多すぎる', '会議が長い', '押印のために来庁してもらっている手続きを全部洗い出したい', 'Wi-Fiが遅い', '窓口の待ち時間をスマホで見えるようにしたい']
  const cases: number[][] = [[1], [3, 4, 2], [30, 20, 10, 5, 3, 2, 1], [100, 100, 100], Array(12).fill(2), [150, 1]]
  for (let i = 0; i < 25; i++) cases.push(Array.from({ length: 1 + rand(12) }, () => 1 + rand(40)))

  for (const [width, height, floor] of [
    [1500, 880, 20],
    [1000, 560, 13],
  ] as const) {
    it(`puts every card of every section once inside ${width}×${height}, below its header, without overlap`, () => {
      for (const counts of cases) {
        const sections = counts.map((n, i) => ({ header: `グループ${i} ${n}`, texts: Array.from({ length: n }, (_, j) => TEXTS[(i + j) % TEXTS.length]!) }))
        const wall = layoutWall(sections, width, height, { floor, max: 86 })
        const where = `counts ${counts.join(',')}`
        expect(wall.pages.length, where).toBeGreaterThan(0)
        const placed = counts.map(() => new Set<number>())
        for (const page of wall.pages) {
          for (const box of page.boxes) {
            expect(box.x >= 0 && box.y >= 0 && box.x + box.w <= width && box.y + box.h <= height, `${where}: box ${JSON.stringify(box)}`).toBe(true)
          }
          for (let a = 0; a < page.boxes.length; a++) for (let b = a + 1; b < page.boxes.length; b++) expect(overlaps(page.boxes[a]!, page.boxes[b]!), where).toBe(false)
          for (const [i, card] of page.cards.entries()) {
            expect(card.px, where).toBeGreaterThanOrEqual(floor)
            placed[card.section]!.add(card.index)
            const box = page.boxes.find((b) => b.section === card.section && card.rect.y >= b.y + b.headerH && card.rect.y + card.rect.h <= b.y + b.h + 1)
            expect(box, `${where}: card ${card.section}/${card.index} under its header`).toBeDefined()
            expect(card.rect.x + card.rect.w, where).toBeLessThanOrEqual(box!.x + box!.w)
            for (const other of page.cards.slice(i + 1)) if (overlaps(card.rect, other.rect)) throw new Error(`${where}: cards overlap`)
          }
        }
        counts.forEach((n, i) => expect(placed[i]!.size, where).toBe(n))
      }
    })
  }

  it('never needs fewer pages when a note is added to a section', () => {
    for (const base of [[3, 4, 2], [10, 1, 1, 1], [5, 5, 5, 5, 5]]) {
      let previous = 0
      for (let extra = 0; extra < 60; extra += 3) {
        const counts = [...base]
        counts[0]! += extra
        const wall = layoutWall(
          counts.map((n, i) => ({ header: `g${i}`, texts: Array(n).fill('紙の申請書が多すぎる') })),
          1500,
          880,
          { floor: 20, max: 86 },
        )
        expect(wall.pages.length).toBeGreaterThanOrEqual(previous)
        previous = wall.pages.length
      }
    }
  })

  it('returns nothing for an empty board or a zero-sized area', () => {
    expect(layoutWall([], 1000, 500, { floor: 20, max: 86 }).pages).toEqual([])
    expect(layoutWall([{ header: 'a', texts: ['x'] }], 0, 500, { floor: 20, max: 86 }).pages).toEqual([])
  })
})
