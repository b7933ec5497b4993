import { describe, expect, it } from 'vitest'
import type { Group, Note } from '../../shared/board.ts'
import { dotsText, groupTree, notesWithin, rankByVotes, selfAndDescendants } from '../../client/src/lib/groups.ts'

const note = (id: string, createdAt: number, groupId: string | null = null, order?: number): Note => ({
  id,
  text: `note ${id}`,
  createdAt,
  status: 'visible',
  promptId: 'p',
  groupId,
  ...(order === undefined ? {} : { order }),
})
const group = (id: string, name: string, parentId: string | null = null, createdAt = 0): Group => ({ id, name, parentId, createdAt })

describe('the group tree the console and the board show', () => {
  const groups = [group('a', '窓口'), group('b', '待ち時間', 'a', 1), group('c', 'システム', null, 2), group('d', '番号札', 'b', 3)]

  it('nests groups under their parents, depth first, with their paths', () => {
    const tree = groupTree(groups, [])
    expect(tree.roots.map((n) => n.group.id)).toEqual(['a', 'c'])
    expect(tree.all.map((n) => [n.group.id, n.depth, n.path.join(' › ')])).toEqual([
      ['a', 0, '窓口'],
      ['b', 1, '窓口 › 待ち時間'],
      ['d', 2, '窓口 › 待ち時間 › 番号札'],
      ['c', 0, 'システム'],
    ])
  })

  it('puts notes in their groups in the order they were moved there; orphans count as ungrouped', () => {
    const notes = [note('1', 10, 'b', 500), note('2', 20, 'b', 100), note('3', 30, null), note('4', 40, 'gone'), note('5', 50, 'd')]
    const tree = groupTree(groups, notes)
    const b = tree.all.find((n) => n.group.id === 'b')!
    expect(b.notes.map((n) => n.id)).toEqual(['2', '1'])
    expect(tree.ungrouped.map((n) => n.id)).toEqual(['3', '4'])
    expect(notesWithin(tree.roots[0]!).map((n) => n.id).sort()).toEqual(['1', '2', '5'])
  })

  it('knows where a group may not be nested: itself and what is inside it', () => {
    const tree = groupTree(groups, [])
    expect([...selfAndDescendants(tree.roots[0]!)].sort()).toEqual(['a', 'b', 'd'])
  })
})

describe('dot vote results', () => {
  it('ranks notes with dots, most first, ties sharing a rank and keeping arrival order', () => {
    const notes = [note('x', 1), note('y', 2), note('z', 3), note('w', 4), note('none', 5)]
    const votes = new Map([
      ['x', 2],
      ['y', 5],
      ['z', 2],
      ['w', 1],
    ])
    expect(rankByVotes(notes, votes).map((r) => [r.note.id, r.votes, r.rank])).toEqual([
      ['y', 5, 1],
      ['x', 2, 2],
      ['z', 2, 2],
      ['w', 1, 4],
    ])
  })

  it('draws dots as shapes and a number, never colour alone', () => {
    expect(dotsText(0)).toBe('')
    expect(dotsText(3)).toBe('●●● 3')
    expect(dotsText(12)).toBe('●●●●●+ 12')
  })
})
