/** A set of listeners of one kind; `on` returns the function that removes the listener. */
export class Listeners<A extends unknown[]> {
  private readonly fns = new Set<(...args: A) => void>()

  on(fn: (...args: A) => void): () => void {
    this.fns.add(fn)
    return () => this.fns.delete(fn)
  }

  emit(...args: A): void {
    for (const fn of this.fns) fn(...args)
  }
}
