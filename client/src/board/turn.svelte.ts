/** How long a page of the wall stays on screen before the board turns to the next by itself. */
export const PAGE_SECONDS = 20

/**
 * A page number that moves on by one every `seconds` while the component that asked is mounted
 * and `turning()` says so (more than one page, nobody holding one). Call it at the top of a
 * component's script; the wall counts the number round its pages.
 */
export function pageTurner(turning: () => boolean, seconds = PAGE_SECONDS): { readonly page: number } {
  let page = $state(0)
  $effect(() => {
    if (!turning()) return
    const id = setInterval(() => page++, seconds * 1000)
    return () => clearInterval(id)
  })
  return {
    get page() {
      return page
    },
  }
}
