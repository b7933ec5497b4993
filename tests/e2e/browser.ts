import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import { ROOT, startKiosk, type TestKiosk } from '../helpers/kiosk.ts'

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
]

/** Chrome or Chromium: $KURUMAZA_CHROMIUM or $CHROME_PATH first, then the usual install paths. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.KURUMAZA_CHROMIUM || process.env.CHROME_PATH
  if (fromEnv) {
    if (fs.existsSync(fromEnv)) return fromEnv
    throw new Error(`KURUMAZA_CHROMIUM/CHROME_PATH points to ${fromEnv}, which does not exist`)
  }
  return CANDIDATES.find((p) => fs.existsSync(p))
}

export const CHROMIUM = findChromium()

if (!CHROMIUM) {
  const how = 'install Chromium (Debian/Ubuntu: sudo apt-get install chromium) or set KURUMAZA_CHROMIUM=/path/to/chrome'
  if (process.env.CI === 'true') throw new Error(`Browser tests need Chrome or Chromium and none was found: ${how}`)
  console.warn(`\n!!! BROWSER TESTS SKIPPED: no Chrome or Chromium found. To run them, ${how}.\n`)
}

export const HAS_BROWSER = CHROMIUM !== undefined

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Screenshots and traces a person can look at afterwards. */
export const ARTIFACTS = path.join(ROOT, '.test-artifacts')

/** One Chromium for the file; each person in the room gets their own context. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true })
    fs.mkdirSync(ARTIFACTS, { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
  })
  return () => {
    if (!browser) throw new Error('browser not started')
    return browser
  }
}

export type Person = 'phone' | 'board' | 'console'

const VIEWPORTS: Record<Person, { width: number; height: number }> = {
  phone: { width: 390, height: 844 },
  board: { width: 1920, height: 1080 },
  console: { width: 1280, height: 800 },
}

/** A browser context sized for who holds it, in Japanese unless told otherwise; collects page errors. */
export async function personContext(browser: Browser, who: Person, locale = 'ja-JP'): Promise<BrowserContext & { errors: string[] }> {
  const ctx = (await browser.newContext({
    viewport: VIEWPORTS[who],
    locale,
    deviceScaleFactor: 1,
    hasTouch: who === 'phone',
    isMobile: who === 'phone',
  })) as BrowserContext & { errors: string[] }
  ctx.errors = []
  ctx.on('page', (page) => {
    page.on('pageerror', (err) => ctx.errors.push(err.message))
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource|WebSocket connection/.test(msg.text())) ctx.errors.push(msg.text())
    })
  })
  return ctx
}

/** Where the screenshots people look at are kept. */
export const SCREENS = path.join(ARTIFACTS, 'screens')

export type PersonContext = BrowserContext & { errors: string[] }

/**
 * A room for one describe block: a browser, a kiosk, and the people who open pages in it.
 * `person(who)` opens a browser context for a phone, the board or the console; every context
 * and the kiosk are closed after the block (hooks registered after this one run before it, so a
 * block's own sockets close first).
 */
export function useRoom(): { readonly kiosk: TestKiosk; browser: () => Browser; person: (who: Person) => Promise<PersonContext>; contexts: PersonContext[] } {
  const browser = useBrowser()
  let kiosk: TestKiosk | undefined
  const contexts: PersonContext[] = []
  beforeAll(async () => {
    kiosk = await startKiosk()
    fs.mkdirSync(SCREENS, { recursive: true })
  })
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close()
    await kiosk?.close()
  })
  return {
    get kiosk() {
      if (!kiosk) throw new Error('kiosk not started')
      return kiosk
    },
    browser,
    contexts,
    person: async (who) => {
      const c = await personContext(browser(), who)
      contexts.push(c)
      return c
    },
  }
}
