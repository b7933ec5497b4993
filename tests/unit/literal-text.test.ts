import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/kiosk.ts'

/**
 * Every word a screen shows comes from the catalogue (i18n*.ts) through t(): a literal in a
 * component would stay Japanese on an English screen, or the other way round. This reads each
 * component's markup as a person would see it, with the script, the styles, comments and every
 * {expression} taken out, and looks for letters left over, in text or in the attributes people
 * hear (aria-label, alt, title, placeholder).
 */
const SRC = path.join(ROOT, 'client', 'src')

function components(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return components(p)
    return e.name.endsWith('.svelte') ? [p] : []
  })
}

/** Blank out {…} expressions (nested braces and quoted strings included), keeping line count. */
export function withoutExpressions(markup: string): string {
  let out = ''
  let depth = 0
  let quote: string | null = null
  for (let i = 0; i < markup.length; i++) {
    const ch = markup[i]!
    if (depth === 0) {
      if (ch === '{') depth = 1
      out += ch === '{' ? ' ' : ch
      continue
    }
    if (quote) {
      if (ch === '\\') i++
      else if (ch === quote) quote = null
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch
    else if (ch === '{') depth++
    else if (ch === '}') depth--
    out += ch === '\n' ? '\n' : ' '
  }
  return out
}

/** The markup of a component, as text a person could read: what is left must hold no words. */
export function literalText(source: string): string[] {
  const markup = source
    .replace(/<script[\s\S]*?<\/script>/g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/<style[\s\S]*?<\/style>/g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/<!--[\s\S]*?-->/g, (m) => m.replace(/[^\n]/g, ' '))
  const bare = withoutExpressions(markup)
  const found: string[] = []
  // Attributes of HTML elements (not components' props) that a screen reader or a tooltip says aloud.
  for (const tag of bare.matchAll(/<[a-z][\w-]*\b([^>]*)>/g)) {
    for (const m of tag[1]!.matchAll(/\b(aria-label|aria-description|aria-roledescription|aria-valuetext|alt|title|placeholder)\s*=\s*"([^"]*)"/g)) {
      if (/\p{L}/u.test(m[2]!)) found.push(`${m[1]}="${m[2]}"`)
    }
  }
  const text = bare.replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;|&#\d+;/gi, ' ')
  for (const word of text.match(/[^\s]*\p{L}[^\s]*/gu) ?? []) found.push(word)
  return found
}

describe('words on the screens', () => {
  it('finds literal text in markup, and none inside expressions', () => {
    expect(literalText('<p>こんにちは</p>')).toEqual(['こんにちは'])
    expect(literalText('<button aria-label="Close">{t(\'x\')}</button>')).toEqual(['aria-label="Close"'])
    expect(literalText('<p>{t(\'a\', { n: "b}" })}</p><span aria-hidden="true">←&nbsp;</span>')).toEqual([])
    expect(literalText('<script>const s = "日本語"</script><!-- 説明 --><style>p { color: red }</style>')).toEqual([])
  })

  it('has no Japanese or English text outside t() in any component', () => {
    const offenders: string[] = []
    for (const file of components(SRC)) {
      for (const word of literalText(fs.readFileSync(file, 'utf8'))) offenders.push(`${path.relative(ROOT, file)}: ${word}`)
    }
    expect(offenders).toEqual([])
  })

  it('has no Japanese in the screens’ code outside the catalogue and comments', () => {
    const CJK = /[\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Han}]/u
    const offenders: string[] = []
    for (const file of components(SRC).concat(fs.readdirSync(path.join(SRC, 'lib')).filter((f) => f.endsWith('.ts')).map((f) => path.join(SRC, 'lib', f)))) {
      if (/i18n(-\w+)?\.ts$/.test(file)) continue
      const code = fs
        .readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/(^|[^:'"])\/\/.*$/gm, '$1')
      code.split('\n').forEach((line, i) => {
        if (CJK.test(line)) offenders.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(offenders).toEqual([])
  })
})
