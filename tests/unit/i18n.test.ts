import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { HEADLINES } from '../../shared/room-state.ts'
import { PHASES } from '../../shared/board.ts'
import { ERROR_CODES } from '../../shared/errors.ts'
import { CORE_MESSAGES, LANGS, type MessagePart } from '../../client/src/lib/i18n.ts'
import { BOARD_MESSAGES } from '../../client/src/lib/i18n-board.ts'
import { CONSOLE_MESSAGES } from '../../client/src/lib/i18n-console.ts'
import { QUESTION_MESSAGES } from '../../client/src/lib/i18n-questions.ts'
import { VOTE_MESSAGES } from '../../client/src/lib/i18n-vote.ts'
import { SURVEY_CHART_MESSAGES, SURVEY_FORM_MESSAGES } from '../../client/src/lib/i18n-survey.ts'
import { ROOT } from '../helpers/kiosk.ts'

/**
 * The catalogue is split so the phone does not download the console's words. A screen that used
 * a word from a part it never adds would show the bare key: these tests catch that before a room does.
 */
const SRC = path.join(ROOT, 'client', 'src')
const keysOf = (...parts: MessagePart<string>[]) => new Set(parts.flatMap((p) => Object.keys(p.ja)))

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return files(p)
    return /\.(svelte|ts)$/.test(e.name) ? [p] : []
  })
}

/** Keys passed to t('…') as plain strings, per file. */
function usedKeys(file: string): string[] {
  const code = fs.readFileSync(file, 'utf8')
  return [...code.matchAll(/\bt\(\s*'([^']+)'/g)].map((m) => m[1]!)
}

const SCREENS = [
  // The lib's components are used by every screen, so they may only use the core; the survey
  // charts (lib/survey) and the phone's survey form register their own words when imported
  // (chart-words.ts, survey-words.ts).
  { name: 'phone', dirs: ['phone', 'lib'], keys: keysOf(CORE_MESSAGES, SURVEY_FORM_MESSAGES, QUESTION_MESSAGES, VOTE_MESSAGES) },
  { name: 'survey charts', dirs: ['lib/survey'], keys: keysOf(CORE_MESSAGES, SURVEY_CHART_MESSAGES) },
  // the board draws survey charts (lib/survey), whose words come with them: its picture and paper use them too
  { name: 'board', dirs: ['board'], keys: keysOf(CORE_MESSAGES, BOARD_MESSAGES, SURVEY_CHART_MESSAGES) },
  { name: 'console', dirs: ['console'], keys: keysOf(CORE_MESSAGES, CONSOLE_MESSAGES, VOTE_MESSAGES) },
]

describe('the words each screen carries', () => {
  it.each(SCREENS)('the $name screen only uses words its bundle has', ({ dirs, keys }) => {
    const missing: string[] = []
    for (const dir of dirs) {
      for (const file of files(path.join(SRC, dir))) {
        // lib holds console-only state classes too; their words are checked with the console's
        if (dir === 'lib' && !file.endsWith('.svelte')) continue
        if (dir === 'lib' && file.includes(`${path.sep}lib${path.sep}survey${path.sep}`)) continue
        for (const key of usedKeys(file)) if (!keys.has(key)) missing.push(`${path.relative(ROOT, file)}: ${key}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('has every phase and every error code worded, for the keys built at run time', () => {
    const core = keysOf(CORE_MESSAGES)
    for (const phase of PHASES) expect(core.has(`phase.${phase}`)).toBe(true)
    for (const headline of HEADLINES) expect(core.has(`phone.state.${headline}`), headline).toBe(true)
    for (const code of [...ERROR_CODES, 'network', 'timeout', 'unknown', 'payload_too_large']) expect(core.has(`why.${code}`), code).toBe(true)
  })

  it('never defines a key in two parts (the later would silently win)', () => {
    const parts = [CORE_MESSAGES, BOARD_MESSAGES, CONSOLE_MESSAGES, SURVEY_CHART_MESSAGES, SURVEY_FORM_MESSAGES, QUESTION_MESSAGES, VOTE_MESSAGES]
    const seen = new Map<string, number>()
    for (const p of parts) for (const k of Object.keys(p.ja)) seen.set(k, (seen.get(k) ?? 0) + 1)
    expect([...seen].filter(([, n]) => n > 1).map(([k]) => k)).toEqual([])
  })

  it('has no empty message in either language', () => {
    for (const part of [CORE_MESSAGES, BOARD_MESSAGES, CONSOLE_MESSAGES, SURVEY_CHART_MESSAGES, SURVEY_FORM_MESSAGES, QUESTION_MESSAGES, VOTE_MESSAGES]) {
      for (const lang of LANGS) {
        for (const [key, msg] of Object.entries(part[lang] as Record<string, unknown>)) {
          expect(typeof msg === 'function' || (typeof msg === 'string' && msg.trim() !== ''), `${lang} ${key}`).toBe(true)
        }
      }
    }
  })
})
