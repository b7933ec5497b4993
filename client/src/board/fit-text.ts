import { MIN_FONT_PX } from './layout.ts'

const overflows = (el: HTMLElement): boolean =>
  el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1

/**
 * The last resort after `fontSizeFor`'s estimate: measure each card as rendered (the real font
 * and line-breaking rules can differ from the estimate) and shrink the text of those that
 * overflow. Reads all cards, then writes all, per round, so 300 cards cost a few layouts only.
 * A card still too full at the smallest size is marked `data-clipped` and fades out at the bottom.
 */
export function shrinkOverflowing(cards: Iterable<HTMLElement>, rounds = 8): void {
  const all = [...cards]
  let pending = all
  for (let round = 0; round < rounds && pending.length > 0; round++) {
    const over = pending.filter(overflows)
    pending = []
    for (const el of over) {
      const current = parseFloat(el.style.fontSize)
      if (!(current > MIN_FONT_PX)) continue
      el.style.fontSize = `${Math.max(MIN_FONT_PX, Math.floor(current * 0.9))}px`
      pending.push(el)
    }
  }
  const clipped = all.map(overflows)
  all.forEach((el, i) => el.toggleAttribute('data-clipped', clipped[i]))
}
