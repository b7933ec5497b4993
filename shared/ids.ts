/**
 * Random ids from `crypto.getRandomValues`, which exists in Node and in every browser page,
 * including plain-http LAN pages where `crypto.randomUUID` does not.
 */
const BASE32 = 'abcdefghjkmnpqrstuvwxyz23456789' // no i, l, o, 0, 1: easy to read aloud and type
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

function randomString(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length)
  let out = ''
  while (out.length < length) {
    const bytes = new Uint8Array(length * 2)
    globalThis.crypto.getRandomValues(bytes)
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
