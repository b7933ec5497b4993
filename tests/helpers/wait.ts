import { vi } from 'vitest'

/**
 * `vi.waitFor` with a default that suits a loaded 2-core CI machine (5 s, not 1 s): tests still
 * poll and return as soon as the condition holds, they just give up later.
 */
export function waitFor<T>(fn: () => T | Promise<T>, options?: number | { timeout?: number; interval?: number }): Promise<T> {
  const opts = typeof options === 'number' ? { timeout: options } : { timeout: 5_000, interval: 20, ...options }
  return vi.waitFor(fn, opts)
}
