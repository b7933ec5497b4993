import { format, isLang, preferredLang, type Lang, type MessageKey, type Params } from './i18n.ts'
import { readString, writeString } from './storage.ts'

const KEY = 'kurumaza.lang'

/**
 * The page's language: the one the facilitator fixed for the session, if any; else this
 * device's own choice (stored), else the browser's preference.
 */
class Language {
  /** what this device chose, or would choose; kept while the session's language wins */
  #own = $state<Lang>('ja')
  /** the session's language, set by the facilitator; null lets each device choose */
  fixed = $state<Lang | null>(null)
  readonly current: Lang = $derived(this.fixed ?? this.#own)

  constructor() {
    const stored = readString(KEY)
    const nav = globalThis.navigator
    const prefs = nav?.languages?.length ? nav.languages : [nav?.language ?? 'ja']
    this.#own = isLang(stored) ? stored : preferredLang(prefs)
    this.#apply()
  }

  toggle(): void {
    if (this.fixed) return
    this.#own = this.#own === 'ja' ? 'en' : 'ja'
    writeString(KEY, this.#own)
    this.#apply()
  }

  /** Follow the session's language (phones and the board); null gives the choice back to the device. */
  fix(lang: Lang | null): void {
    if (this.fixed === lang) return
    this.fixed = lang
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
