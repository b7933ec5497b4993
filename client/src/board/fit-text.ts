const overflows = (el: HTMLElement): boolean => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1

/**
 * The last resort after card.ts's estimate: measure each card as rendered (the real font can be
 * wider than the estimate, e.g. for Latin text) and shrink the text of those that overflow, but
 * never below `floor`. Reads all cards, then writes all, per round, so 300 cards cost a few
 * layouts only. A card still too full at the floor is marked `data-clipped` (the browser tests
 * look for it) and fades out at the bottom.
 */
export function shrinkOverflowing(cards: Iterable<HTMLElement>, floor: number, rounds = 6): void {
  const all = [...cards]
  let pending = all
  for (let round = 0; round < rounds && pending.length > 0; round++) {
    const over = pending.filter(overflows)
    pending = []
    for (const el of over) {
      const current = parseFloat(el.style.fontSize)
      if (!(current > floor)) continue
      el.style.fontSize = `${Math.max(floor, Math.floor(current * 0.92))}px`
      pending.push(el)
    }
  }
  const clipped = all.map(overflows)
  all.forEach((el, i) => el.toggleAttribute('data-clipped', clipped[i]))
}
