import { graphemes } from '../../../shared/text.ts'
import { phrases } from './phrases.ts'

/**
 * Where a note's lines may break: one function for the board's cards (rendered as text nodes
 * with a <wbr> between segments, under `word-break: keep-all`), for the size estimate that lays
 * the board out (layout.ts) and for the PNG drawn on a canvas (snapshot.ts), so the three break
 * a line at the same places.
 *
 * The segments are BudouX's phrases (文節), so 「迷わない」 or 「しました」 stay whole, with the
 * Japanese line-breaking rules (kinsoku) applied on top: no closing bracket, small kana or
 * closing punctuation at the start of a line, no opening bracket at its end. A phrase wider than
 * the line is cut between characters, under the same rules. Pure apart from BudouX: `measure`
 * is the canvas's, an estimate, or a fake in tests (tests/unit/wrap.test.ts).
 */
export type Measure = (text: string) => number

/** May not start a line (行頭禁則): it goes with the character before it. */
const NO_START = /^[、。，．,.:;!?！？)）\]］}｝」』】〕〉》〙〗〟’”ー～…‥・ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰ-ㇿ々〻%％]/u
/** May not end a line (行末禁則): it goes with the character after it. */
const NO_END = /[(（[［{｛「『【〔〈《〘〖〝‘“＄$￥¥#＃]$/u
const SPACE_RUN = /(?<=\s)(?=\S)/u

/**
 * A line's unbreakable pieces: phrases, words of spaced scripts with their trailing spaces,
 * with kinsoku characters moved to the piece they must stay with. Joined, they give the line.
 */
function lineAtoms(chunks: readonly string[]): string[] {
  const atoms = chunks.flatMap((chunk) => chunk.split(SPACE_RUN)).filter((a) => a !== '').map((a) => graphemes(a))
  for (let i = 1; i < atoms.length; i++) {
    // A piece that starts with 」, 。 or っ gives those to the piece before it.
    const atom = atoms[i]!
    let n = 0
    while (n < atom.length && NO_START.test(atom[n]!)) n++
    atoms[i - 1]!.push(...atom.splice(0, n))
  }
  const kept = atoms.filter((a) => a.length > 0)
  for (let i = kept.length - 2; i >= 0; i--) {
    // A piece that ends with 「 or （ gives it to the piece after it.
    const atom = kept[i]!
    let n = 0
    while (n < atom.length - 1 && NO_END.test(atom[atom.length - 1 - n]!)) n++
    kept[i + 1]!.unshift(...atom.splice(atom.length - n, n))
  }
  return kept.map((a) => a.join(''))
}

const atomCache = new Map<string, string[][]>()

/** The text's paragraphs (its own line breaks), each as the pieces a line may break between. */
export function breakAtoms(text: string): string[][] {
  let hit = atomCache.get(text)
  if (!hit) {
    hit = phrases(text).map(lineAtoms)
    if (atomCache.size > 5_000) atomCache.clear()
    atomCache.set(text, hit)
  }
  return hit
}

/**
 * Fill lines greedily: where each line starts, given each piece's width with its trailing
 * spaces (`widths`) and without (`trimmed`). The one rule of line filling, for strings (below)
 * and for the size estimate, which works on widths alone (card.ts).
 */
export function lineStarts(widths: ArrayLike<number>, trimmed: ArrayLike<number>, maxWidth: number): number[] {
  const starts = [0]
  let width = 0
  for (let i = 0; i < widths.length; i++) {
    if (i > starts[starts.length - 1]! && width + trimmed[i]! > maxWidth) {
      starts.push(i)
      width = 0
    }
    width += widths[i]!
  }
  return starts
}

/** The kind of character, for where a word is best cut: between kinds, as in 統一|しました. */
function kind(g: string): string {
  if (NO_START.test(g)) return 'close'
  if (NO_END.test(g)) return 'open'
  if (/[\p{Script=Han}々〆]/u.test(g)) return 'han'
  if (/\p{Script=Hiragana}/u.test(g)) return 'hira'
  if (/[\p{Script=Katakana}ー]/u.test(g)) return 'kata'
  if (/[\p{L}\p{N}]/u.test(g)) return 'latin'
  return 'other'
}

/** Where in a full part the cut is best: the last change of kind, not too near its start. */
function bestCut(part: readonly string[]): number {
  for (let k = part.length - 1; k >= Math.max(2, Math.ceil(part.length / 3)); k--) {
    const a = part[k - 1]!
    const b = part[k]!
    if (kind(a) !== kind(b) && !NO_START.test(b) && !NO_END.test(a)) return k
  }
  return part.length
}

/**
 * A piece wider than the line, cut between characters into parts that fit: where the kind of
 * character changes if it can (「費用対効果」|しか, 統一|しました), never before a character
 * that may not start a line (the one before it comes along: 追い出し) nor after an opening
 * bracket. Only a line too narrow for two characters lets one hang over.
 */
export function splitAtom(atom: string, maxWidth: number, measure: Measure): string[] {
  const parts: string[][] = [[]]
  for (const g of graphemes(atom)) {
    const part = parts[parts.length - 1]!
    if (part.length === 0 || measure([...part, g].join('').trimEnd()) <= maxWidth) {
      part.push(g)
      continue
    }
    const next = part.splice(bestCut([...part, g]))
    next.push(g)
    // 「…果」 never starts with 」: carry the last characters of this part down with it.
    while (part.length > 1 && NO_START.test(next[0]!)) next.unshift(part.pop()!)
    while (part.length > 0 && NO_END.test(part[part.length - 1]!)) next.unshift(part.pop()!)
    parts.push(next)
  }
  return parts.map((p) => p.join('')).filter((p) => p !== '')
}

/**
 * The segments of each paragraph as a card shows them, at a line `maxWidth` wide: the atoms,
 * with those wider than the line already cut (so the browser never has to cut one itself,
 * where it would ignore the kinsoku rules).
 */
export function lineSegments(text: string, maxWidth: number, measure: Measure): string[][] {
  return breakAtoms(text).map((atoms) => atoms.flatMap((a) => (measure(a.trimEnd()) > maxWidth ? splitAtom(a, maxWidth, measure) : [a])))
}

/** Wrap `text` (its own line breaks kept) into lines no wider than `maxWidth`, as `measure` counts. */
export function wrapLines(text: string, maxWidth: number, measure: Measure): string[] {
  const out: string[] = []
  for (const segments of lineSegments(text, maxWidth, measure)) {
    const starts = lineStarts(
      segments.map((s) => measure(s)),
      segments.map((s) => measure(s.trimEnd())),
      maxWidth,
    )
    starts.forEach((start, i) => out.push(segments.slice(start, starts[i + 1] ?? segments.length).join('').trimEnd()))
  }
  return out
}

/** Cut a line so it and an ellipsis fit in `maxWidth`. */
export function ellipsize(line: string, maxWidth: number, measure: Measure): string {
  if (measure(line) <= maxWidth) return line
  const parts = graphemes(line)
  while (parts.length > 0 && measure(parts.join('') + '…') > maxWidth) parts.pop()
  return parts.join('') + '…'
}
