import { jaModel, Parser } from 'budoux'

/**
 * Japanese has no spaces, so a browser may break a line between any two characters: 「申請書」
 * can end up as 「申請」 / 「書」 on a card read from the back of the room. BudouX finds the
 * phrase boundaries (文節) instead; the board breaks lines only there (`word-break: keep-all`,
 * with a `<wbr>` between phrases), and anywhere only when one phrase is wider than the card.
 * Only the board loads this: its model is too heavy for the phone's page.
 */
const JAPANESE = /[\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Han}]/u
/** a letter or digit of a script written with spaces, e.g. Latin: never split inside its words */
const SPACED_WORD = /[\p{L}\p{N}]/u

let parser: Parser | undefined
const cache = new Map<string, string[][]>()
const CACHE_MAX = 2_000

function isSpacedWordChar(ch: string | undefined): boolean {
  return ch !== undefined && SPACED_WORD.test(ch) && !JAPANESE.test(ch)
}

function lineChunks(line: string): string[] {
  if (!JAPANESE.test(line)) return [line]
  parser ??= new Parser(jaModel)
  const out: string[] = []
  for (const chunk of parser.parse(line)) {
    const prev = out[out.length - 1]
    // "DX" or "2025" stays whole even where the model would cut it.
    if (prev !== undefined && isSpacedWordChar(prev.at(-1)) && isSpacedWordChar(chunk[0])) out[out.length - 1] = prev + chunk
    else out.push(chunk)
  }
  return out
}

/** The text's lines, each as its phrases; joined back they give the text exactly. */
export function phrases(text: string): string[][] {
  let hit = cache.get(text)
  if (hit) return hit
  hit = text.split('\n').map(lineChunks)
  if (cache.size >= CACHE_MAX) cache.clear()
  cache.set(text, hit)
  return hit
}

/** Full-width characters take 1 em; Latin letters and digits about 0.62 em in the board's fonts. */
const FULL_WIDTH = /[\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Han}\u3000-\u303f\uff01-\uff60]/u
const emWidth = (s: string): number => {
  let em = 0
  for (const ch of s) em += FULL_WIDTH.test(ch) ? 1 : 0.62
  return em
}

/**
 * The largest font size (px) at which the widest Japanese phrase of the text still fits on one
 * line `innerW` wide, so 「待ち時間が」 is not split as 「待ち時間」 / 「が」 when the card could
 * hold it whole at a slightly smaller size. Phrases over `longestEm` are let break instead.
 */
export function phraseCap(text: string, innerW: number, longestEm = 8): number {
  let widest = 0
  for (const line of phrases(text)) {
    if (line.length === 1 && !JAPANESE.test(line[0]!)) continue
    for (const chunk of line) {
      const em = emWidth(chunk.trim())
      if (em <= longestEm) widest = Math.max(widest, em)
    }
  }
  return widest > 0 ? Math.floor(innerW / widest) : Infinity
}
