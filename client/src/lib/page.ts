import { isSessionId } from '../../../shared/ids.ts'

/**
 * Where the page is: the server maps `/j/:id`, `/b/:id` and `/f/:id` to the three pages, so the
 * session id is always the second path segment. Pages talk to the origin they came from, never
 * to a configured host, so a kiosk reached by IP or by name works the same.
 */
export function sessionIdFromPath(pathname: string = location.pathname): string | undefined {
  const segment = pathname.split('/').filter(Boolean)[1]
  if (segment === undefined) return undefined
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** The id when it has the shape the server makes; anything else cannot be a session. */
export function validSessionId(id: string | undefined): id is string {
  return isSessionId(id)
}

export function wsOrigin(): string {
  return location.origin.replace(/^http/, 'ws')
}

/**
 * Same-origin JSON GET; resolves with the HTTP status so callers can tell 404 from a network
 * failure, and with the kiosk's `Date` header, for a screen that has no other way to its clock.
 */
export async function getJson<T>(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body?: T; date: string | null }> {
  const res = await fetch(path, { headers: { accept: 'application/json', ...headers } })
  const date = res.headers.get('date')
  if (!res.ok) return { status: res.status, date }
  return { status: res.status, body: (await res.json()) as T, date }
}
