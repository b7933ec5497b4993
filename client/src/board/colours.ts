/**
 * Sticky-note colours: light tints of the Okabe–Ito palette, which stays distinguishable for the
 * common colour-vision deficiencies. Colour carries no meaning here; it only separates
 * neighbours. With the ink #1d2330 every tint has a contrast ratio above 12:1.
 */
export const NOTE_INK = '#1d2330'

export const NOTE_COLOURS = ['#fff1a8', '#cfe8fa', '#ffdda6', '#bfebdd', '#f5d3e6', '#d6e0f5'] as const

/** A stable colour per note id, so a note keeps its colour when the grid reflows. */
export function colourFor(id: string): string {
  let hash = 0
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0
  return NOTE_COLOURS[hash % NOTE_COLOURS.length]!
}
