import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import { ARTIFACTS } from './browser.ts'

/**
 * Accessibility checks and screenshots of the screens as the room sees them: axe-core against
 * WCAG 2.2 A/AA, and a PNG per screen, state and language in .test-artifacts/screens/.
 */
const require = createRequire(import.meta.url)
const AXE_SOURCE: string = (require('axe-core') as { source: string }).source

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const
export const SCREENS_DIR = path.join(ARTIFACTS, 'screens')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: string[]; failureSummary?: string }>
}

/** Wait for the page's own animations (cards arriving, spotlight fading in) to end. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))))
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
}

/** Run axe on the page as it is; DevTools evaluation is not bound by the kiosk's CSP. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await settle(page)
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined')
  if (!loaded) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async (tags) => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe
    const res = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }))
  }, [...WCAG_TAGS])
}

/** One line per problem, readable in a failing test's diff. */
export function describeViolations(violations: AxeViolation[]): string[] {
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')}`))
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENS_DIR, { recursive: true })
  await settle(page)
  const file = path.join(SCREENS_DIR, `${name}.png`)
  await page.screenshot({ path: file })
  return file
}
