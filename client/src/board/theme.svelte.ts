import { readString, writeString } from '../lib/storage.ts'
import { isTheme, THEMES, type Theme } from './themes.ts'

/**
 * The projector's colours. `light` for a lit room (the default), `dark` for a dim one, where a
 * bright wall would glare, and `contrast` (black, white and yellow) for people with low vision or
 * a washed-out projector. A choice made on this screen is remembered; without one the screen
 * follows the computer's own settings (more contrast, or a dark mode).
 */
const KEY = 'kurumaza.boardTheme'

function mediaFlag(query: string, set: (on: boolean) => void): void {
  const mq = globalThis.matchMedia?.(query)
  if (!mq) return
  set(mq.matches)
  mq.addEventListener('change', (e) => set(e.matches))
}

class BoardTheme {
  #chosen = $state<Theme | null>(null)
  #moreContrast = $state(false)
  #dark = $state(false)
  readonly current: Theme = $derived(this.#chosen ?? (this.#moreContrast ? 'contrast' : this.#dark ? 'dark' : 'light'))

  constructor() {
    const stored = readString(KEY)
    if (isTheme(stored)) this.#chosen = stored
    mediaFlag('(prefers-contrast: more)', (on) => (this.#moreContrast = on))
    mediaFlag('(prefers-color-scheme: dark)', (on) => (this.#dark = on))
  }

  /** The next theme in turn, remembered on this screen. */
  next(): void {
    this.#chosen = THEMES[(THEMES.indexOf(this.current) + 1) % THEMES.length]!
    writeString(KEY, this.#chosen)
  }
}

export const boardTheme = new BoardTheme()
