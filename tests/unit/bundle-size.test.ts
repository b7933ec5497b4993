import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/kiosk.ts'

/**
 * What each screen makes a device download on first load (HTML plus every script, preload and
 * stylesheet it names), gzipped. Phones are on crowded conference Wi-Fi: the phone page must
 * stay small, and it must never carry Yjs. `npm test` builds the client before this runs.
 */
const DIST = path.join(ROOT, 'dist', 'client')
export const BUDGETS = { phone: 50 * 1024, board: 120 * 1024, console: 160 * 1024 } as const

export function pageWeight(page: string): { gzipped: number; files: string[] } {
  const html = fs.readFileSync(path.join(DIST, `${page}.html`), 'utf8')
  const files = new Set<string>()
  for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)) files.add(m[1]!)
  let gzipped = zlib.gzipSync(html).byteLength
  for (const f of files) gzipped += zlib.gzipSync(fs.readFileSync(path.join(DIST, f))).byteLength
  return { gzipped, files: [...files] }
}

describe('what each screen downloads', () => {
  it.each(Object.entries(BUDGETS))('keeps the %s page within its budget', (page, budget) => {
    const { gzipped, files } = pageWeight(page)
    expect(files.length).toBeGreaterThan(0)
    expect(gzipped, `${page}: ${(gzipped / 1024).toFixed(1)} KB gzipped`).toBeLessThanOrEqual(budget)
  })

  it('ships no Yjs to phones', () => {
    const { files } = pageWeight('phone')
    for (const f of files) {
      const code = fs.readFileSync(path.join(DIST, f), 'utf8')
      expect(code).not.toMatch(/encodeStateAsUpdate|YXmlElement|UndoManager/)
    }
  })

  it('ships the phrase-breaking model (BudouX) to the board only', () => {
    const carries = (page: string) =>
      pageWeight(page).files.some((f) => /parseBoundaries|UW3:\{/.test(fs.readFileSync(path.join(DIST, f), 'utf8')))
    expect(carries('board')).toBe(true)
    expect(carries('phone')).toBe(false)
    expect(carries('console')).toBe(false)
  })

  it('loads no fonts or anything else from outside the kiosk', () => {
    for (const page of Object.keys(BUDGETS)) {
      const html = fs.readFileSync(path.join(DIST, `${page}.html`), 'utf8')
      expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//)
    }
  })
})
