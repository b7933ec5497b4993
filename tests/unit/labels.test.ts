import { describe, expect, it } from 'vitest'
import { CONSOLE_MESSAGES } from '../../client/src/lib/i18n-console.ts'
import { LANGS } from '../../client/src/lib/i18n.ts'

/** Two fields with one label cannot be told apart by a screen reader, nor by eye in a list of fields. */
describe('the console’s field labels', () => {
  it.each(LANGS)('are all different in %s', (lang) => {
    const labels = Object.entries(CONSOLE_MESSAGES[lang])
      .filter(([key]) => /(\.label|Label)$/.test(key))
      .map(([key, m]) => [key, typeof m === 'string' ? m : m({}, lang)] as const)
    const byText = new Map<string, string[]>()
    for (const [key, text] of labels) byText.set(text, [...(byText.get(text) ?? []), key])
    expect([...byText].filter(([, keys]) => keys.length > 1)).toEqual([])
  })
})
