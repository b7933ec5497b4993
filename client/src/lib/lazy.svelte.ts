/**
 * A part of a screen fetched when it is first needed, not with the page: the phone's first page
 * must stay small for a crowded room's Wi-Fi (tests/unit/bundle-size), and a vote's ballot, a
 * survey's form or the questions are not needed to join. `prefetch` fetches every part a few
 * seconds after the page is up, one after the other, so they are there before the room needs
 * them; `want` fetches at once. A fetch that fails (the network dropped) is tried again at the
 * next `want` or `prefetch`.
 */
export class Lazy<T> {
  current = $state<T | null>(null)
  #loading: Promise<void> | null = null

  constructor(private readonly load: () => Promise<{ default: T }>) {}

  want(): Promise<void> {
    if (this.current) return Promise.resolve()
    this.#loading ??= this.load()
      .then((m) => {
        this.current = m.default
      })
      .catch(() => {})
      .finally(() => {
        this.#loading = null
      })
    return this.#loading
  }
}

/** Fetch these parts one by one once the page has been up for `afterMs`; returns the cancel. */
export function prefetch(parts: ReadonlyArray<Lazy<unknown>>, afterMs: number): () => void {
  let stopped = false
  const t = setTimeout(async () => {
    for (const part of parts) {
      if (stopped) return
      await part.want()
    }
  }, afterMs)
  return () => {
    stopped = true
    clearTimeout(t)
  }
}
