import { format, isLang, preferredLang, type Lang, type MessageKey, type Params } from './i18n.ts'
import { readString, writeString } from './storage.ts'

const KEY = 'kurumaza.lang'

/** The page's language: a stored choice first, then the browser's preference. */
class Language {
  current = $state<Lang>('ja')

  constructor() {
    const stored = readString(KEY)
    const nav = globalThis.navigator
    const prefs = nav?.languages?.length ? nav.languages : [nav?.language ?? 'ja']
    this.current = isLang(stored) ? stored : preferredLang(prefs)
    this.#apply()
  }

  toggle(): void {
    this.current = this.current === 'ja' ? 'en' : 'ja'
    writeString(KEY, this.current)
    this.#apply()
  }

  #apply(): void {
    // Screen readers and the browser's CJK font choice both follow the html lang attribute.
    if (typeof document !== 'undefined') document.documentElement.lang = this.current
  }
}

export const language = new Language()

/** Translate; reading `language.current` here makes every template that calls t() reactive. */
export function t(key: MessageKey, params?: Params): string {
  return format(language.current, key, params)
}

export function formatDate(epochMs: number): string {
  return new Intl.DateTimeFormat(language.current, { dateStyle: 'medium', timeStyle: 'short' }).format(epochMs)
}

export function formatTime(epochMs: number): string {
  return new Intl.DateTimeFormat(language.current, { timeStyle: 'short' }).format(epochMs)
}
