import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/kiosk.ts'

/**
 * A lint rule as a test: note text is untrusted and must only ever reach the page as text.
 * Svelte escapes `{text}`; these are the ways around that.
 */
const RAW_HTML = [/\{@html\b/, /\.innerHTML\s*=/, /\.outerHTML\s*=/, /insertAdjacentHTML\s*\(/, /document\.write\s*\(/]

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return sources(p)
    return /\.(svelte|ts|js)$/.test(e.name) ? [p] : []
  })
}

describe('no raw HTML in the screens', () => {
  it('finds no {@html}, innerHTML, outerHTML, insertAdjacentHTML or document.write in client/', () => {
    const offenders: string[] = []
    for (const file of sources(path.join(ROOT, 'client', 'src'))) {
      const lines = fs.readFileSync(file, 'utf8').split('\n')
      lines.forEach((line, i) => {
        if (RAW_HTML.some((re) => re.test(line))) offenders.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(offenders).toEqual([])
  })
})
