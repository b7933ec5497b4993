/**
 * The local time, refreshed every `ms` while the component that asked is mounted: countdowns
 * tick only on screens that show one. Call it at the top of a component's script.
 */
export function liveNow(ms = 250): { readonly now: number } {
  let now = $state(Date.now())
  $effect(() => {
    const id = setInterval(() => (now = Date.now()), ms)
    return () => clearInterval(id)
  })
  return {
    get now() {
      return now
    },
  }
}
