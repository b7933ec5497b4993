/**
 * Follow an element's content box (what a layout can fill) as it resizes. Returns the cleanup,
 * so a component can write `$effect(() => area && observeContentBox(area, set))`.
 */
export function observeContentBox(el: Element, onSize: (width: number, height: number) => void): () => void {
  const observer = new ResizeObserver(([entry]) => {
    if (entry) onSize(entry.contentRect.width, entry.contentRect.height)
  })
  observer.observe(el)
  return () => observer.disconnect()
}
