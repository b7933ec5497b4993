import { fold } from '../../shared/word-match.ts'

export { fold }

/**
 * The local word list: a note containing one of these goes to the facilitator's queue even in
 * post-moderation. Matching happens on this machine only, on text folded so that width,
 * case, katakana/hiragana and spacing tricks do not slip past.
 */
export const DEFAULT_WORDS: readonly string[] = [
  // 日本語
  '死ね', 'しね', '殺す', 'ころす', '消えろ', 'きえろ', 'バカ', '馬鹿', 'アホ', 'クズ', 'カス', 'キモい', 'ウザい', 'ブス', 'ゴミ',
  // English
  'fuck', 'shit', 'bitch', 'asshole', 'bastard', 'idiot', 'stupid', 'retard', 'kill yourself', 'cunt',
]

export class WordFilter {
  private folded: string[] = []

  constructor(private words: string[]) {
    this.set(words)
  }

  set(words: string[]): void {
    this.words = words
    this.folded = [...new Set(words.map(fold).filter((w) => w.length > 0))]
  }

  list(): string[] {
    return [...this.words]
  }

  /** Whether the text contains a listed word. */
  flags(text: string): boolean {
    if (this.folded.length === 0) return false
    const t = fold(text)
    return this.folded.some((w) => t.includes(w))
  }
}
