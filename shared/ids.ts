/**
 * Random ids from `crypto.getRandomValues`, which exists in Node and in every browser page,
 * including plain-http LAN pages where `crypto.randomUUID` does not.
 */
const BASE32 = 'abcdefghjkmnpqrstuvwxyz23456789' // no i, l, o, 0, 1: easy to read aloud and type
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Random bytes are fetched 4 KB at a time: each call to getRandomValues costs far more than its bytes. */
const POOL_BYTES = 4_096
let pool = new Uint8Array(0)
let used = 0

function randomBytes(n: number): Uint8Array {
  if (used + n > pool.length) {
    pool = globalThis.crypto.getRandomValues(new Uint8Array(Math.max(POOL_BYTES, n)))
    used = 0
  }
  // Each byte is handed out once.
  const out = pool.subarray(used, used + n)
  used += n
  return out
}

function randomString(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length)
  let out = ''
  while (out.length < length) {
    const bytes = randomBytes(length * 2)
    for (const b of bytes) {
      if (b < limit) out += alphabet[b % alphabet.length]
      if (out.length === length) break
    }
  }
  return out
}

/** Session id: short enough to type from the board (10 chars, ~49 bits), never a secret. */
export const newSessionId = (): string => randomString(BASE32, 10)
/** Board key: read-only access to the board (22 chars, 132 bits). */
export const newBoardKey = (): string => randomString(BASE64URL, 22)
/** Facilitator token (43 chars, 258 bits). */
export const newToken = (): string => randomString(BASE64URL, 43)
/** Note id in the board document, made by the server. */
export const newNoteId = (): string => randomString(BASE64URL, 16)
/** Idempotency id a phone makes for a note, and the phone's own device id. */
export const newClientId = (): string => randomString(BASE64URL, 22)

export const SESSION_ID_PATTERN = /^[a-z2-9]{10}$/
export const isSessionId = (value: unknown): value is string =>
  typeof value === 'string' && SESSION_ID_PATTERN.test(value)
