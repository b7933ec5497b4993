/**
 * localStorage that never throws: private browsing, a full disk or a disabled storage must
 * not break the page; the phone then simply forgets its outbox when closed.
 */
export function readString(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null
  } catch {
    return null
  }
}

export function writeString(key: string, value: string): boolean {
  try {
    globalThis.localStorage?.setItem(key, value)
    return true
  } catch {
    return false
  }
}

export function removeKey(key: string): void {
  try {
    globalThis.localStorage?.removeItem(key)
  } catch {
    // nothing to clean up when storage is unavailable
  }
}

export function readJson(key: string): unknown {
  const raw = readString(key)
  if (raw === null) return undefined
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return undefined
  }
}

export function writeJson(key: string, value: unknown): boolean {
  return writeString(key, JSON.stringify(value))
}
