/**
 * Sticky-note colours: light yellow, blue, orange, pink, mint and white, chosen so that any two
 * stay apart for the common colour-vision deficiencies too (simulated in
 * tests/unit/board-colours.test.ts). Colour carries no meaning here; it only separates
 * neighbours. With the ink #1d2330 every tint has a contrast ratio above 11:1.
 */
export const NOTE_INK = '#1d2330'

export const NOTE_COLOURS = ['#fff1a8', '#cfe8fa', '#ffdda6', '#c2f5d5', '#f5d3e6', '#f8fcf8'] as const

/** A stable colour per note id, so a note keeps its colour when the grid reflows. */
export function colourFor(id: string): string {
  let hash = 0
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0
  return NOTE_COLOURS[hash % NOTE_COLOURS.length]!
}
