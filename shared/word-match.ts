/**
 * Matching a note against the word list, shared so the console can say which listed word held a
 * note with the kiosk's own rule (phones never get the list). Text is folded so that width,
 * case, katakana/hiragana and spacing tricks do not slip past.
 */

/** Fold text for matching: NFKC, lower case, katakana → hiragana, no spaces or punctuation. */
export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .replace(/[\s\p{P}\p{S}]/gu, '')
}

/** The listed words the text contains, as they are written in the list. */
export function matchedWords(text: string, words: readonly string[]): string[] {
  const t = fold(text)
  return words.filter((w) => {
    const f = fold(w)
    return f.length > 0 && t.includes(f)
  })
}
