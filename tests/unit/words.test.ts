import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { countWords, extractWords } from '../../shared/words.ts'

/** The sample notes the project holds, one answer a line. */
const NOTES = fs
  .readFileSync(new URL('../../bench/fixtures/notes-ja.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
const note = (start: string) => {
  const found = NOTES.find((n) => n.startsWith(start))
  if (!found) throw new Error(`no fixture note starts with ${start}`)
  return found
}

describe('words of a Japanese answer', () => {
  it.each([
    ['紙の申請書', ['紙', '申請書']],
    ['窓口の待ち時間', ['窓口', '待ち時間', 'スマホ', '見える']],
    ['クラウドストレージ', ['クラウドストレージ', 'USB', 'メモリ', 'やり取り']],
    ['成功事例', ['成功事例', '庁内', '共有']],
    ['情報戦略課', ['情報戦略課', 'DX', '担当']],
    ['ミッション', ['ミッション・ビジョン', '全員', '共有']],
    ['Wi-Fi', ['Wi-Fi', '庁舎', '一部']],
    ['外部人材', ['外部人材', 'CDO', '積極的', '登用']],
    ['失敗しても', ['失敗', '責め', '雰囲気づくり', '先']],
  ])('%s… gives the words a reader would pick', (start, words) => {
    expect(extractWords(note(start))).toEqual(words)
  })

  it('drops particles, auxiliaries and endings from every fixture note', () => {
    const functionWords = ['の', 'が', 'を', 'に', 'は', 'で', 'と', 'も', 'たい', 'ない', 'ほしい', 'よう', 'こと', 'いる', 'する', 'れ', 'さ', 'て']
    for (const n of NOTES) {
      const words = extractWords(n)
      for (const f of functionWords) expect(words, n).not.toContain(f)
    }
  })

  it('keeps katakana compounds whole, as the note writes them', () => {
    const all = NOTES.flatMap(extractWords)
    for (const w of ['スマホ', 'チャットツール', 'オープンデータ', 'セキュリティポリシー', 'チャットボット', 'ワーケーション', 'リアルタイム']) {
      expect(all).toContain(w)
    }
    // never the halves ICU cuts them into
    for (const half of ['スマ', 'ホ', 'クラ', 'ウド', 'チャット', 'オープン', 'セキュリティ']) expect(all).not.toContain(half)
  })

  it('joins a suffix to its word (デジタル化, 属人化, 担当者) and drops verb stems (使|え)', () => {
    expect(extractWords('ペーパーレス化とデジタル化')).toEqual(['ペーパーレス化', 'デジタル化'])
    expect(extractWords(note('Excelのマクロ'))).toEqual(['Excel', 'マクロ', '属人化', '担当者', '異動', '止まる'])
    expect(extractWords('タブレットを配っても使われていない')).toEqual(['タブレット'])
    expect(extractWords('リモートで参加できる会議をもっと増やしたい')).toEqual(['リモート', '参加', '会議'])
  })

  it('drops numbers alone, emoji and punctuation, and reads full-width and half-width forms', () => {
    expect(extractWords('RPAで年間1,200時間削減できた')).not.toContain('1,200')
    expect(extractWords('2026 👍 、。！')).toEqual([])
    expect(extractWords('ＤＸとﾃﾞｼﾞﾀﾙ')).toEqual(['DX', 'デジタル'])
  })

  it('reads English too, without its function words', () => {
    expect(extractWords(note('We need'))).toEqual(['English', 'guidance', 'foreign', 'residents'])
  })
})

describe('counting words over answers', () => {
  it('counts a word once per answer and puts the most frequent first', () => {
    const words = countWords(['DXが進まないDX', 'DXの研修', '研修が足りない', 'ＤＸ'])
    expect(words[0]).toEqual({ word: 'DX', count: 3 })
    expect(words[1]).toEqual({ word: '研修', count: 2 })
  })

  it('counts the fixture: DX is the top word of a DX workshop, in all 8 notes that name it', () => {
    const top = countWords(NOTES)[0]
    expect(top).toEqual({ word: 'DX', count: NOTES.filter((n) => n.includes('DX')).length })
  })

  it("applies the facilitator's merges: デジタル化 counts as DX, once per answer", () => {
    const words = countWords(['デジタル化が遅い', 'DXとデジタル化', '予算'], { merged: { 'デジタル化': 'DX' } })
    expect(words).toContainEqual({ word: 'DX', count: 2 })
    expect(words.map((w) => w.word)).not.toContain('デジタル化')
  })

  it('leaves out hidden words, compared by width and case', () => {
    const words = countWords(['DXの研修', 'dxと予算'], { hidden: ['ＤＸ'] })
    expect(words.map((w) => w.word)).toEqual(['研修', '予算'])
  })

  it('hides a word merged into another when the source or the target is hidden', () => {
    expect(countWords(['デジタル化'], { merged: { 'デジタル化': 'DX' }, hidden: ['DX'] })).toEqual([])
    expect(countWords(['デジタル化'], { merged: { 'デジタル化': 'DX' }, hidden: ['デジタル化'] })).toEqual([])
  })

  it('returns at most `limit` words, and the same order for the same input', () => {
    expect(countWords(NOTES, { limit: 10 })).toHaveLength(10)
    expect(countWords(NOTES)).toEqual(countWords([...NOTES]))
  })
})
