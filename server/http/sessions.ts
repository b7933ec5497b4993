import { SessionElsewhere } from '../sessions/registry.ts'
import * as Y from 'yjs'
import { metaMap } from '../../shared/board-doc.ts'
import express, { type Request, type Response, type Router } from 'express'
import QRCode from 'qrcode'
import { isSessionId } from '../../shared/ids.ts'
import { checkLine } from '../../shared/text.ts'
import type { SessionSummary } from '../../shared/protocol.ts'
import { setClosed } from '../board/rules.ts'
import type { Kiosk } from '../context.ts'
import { questionsCsv } from '../record/questions.ts'
import { csvSteps } from '../record/csv.ts'
import { recordFilesOf, writeRecordFiles } from '../record/files.ts'
import { readRecord } from '../record/import.ts'
import { readRecordBytes } from '../record/import-thread.ts'
import { RECORD_LANGS, type RecordLang } from '../record/labels.ts'
import { markdownSteps } from '../record/markdown.ts'
import { recordJsonSteps, runInTurns, utf8Steps } from '../record/in-turns.ts'
import { buildRecordInTurns } from '../record/record.ts'
import { toSurveyCsv } from '../record/surveys.ts'
import { parseAnswers } from '../sessions/survey-results.ts'
import { localDate, suffixedTitle } from '../record/titles.ts'
import type { LiveSession } from '../sessions/session.ts'
import { requireFacilitator } from './auth.ts'
import { sessionLinks } from './links.ts'

/** The session API: create, list, archive, import (facilitator), the public join info and QR, exports. */
export function sessionRoutes(kiosk: Kiosk): Router {
  const router = express.Router()
  const auth = requireFacilitator(kiosk)
  const { limits } = kiosk.config
  const json = express.json({ limit: limits.maxHttpBodyBytes, strict: true })

  const findSession = async (id: unknown) => (isSessionId(id) ? kiosk.sessions.load(id) : undefined)
  /** The session named in the path, or a 404 answered already. */
  const sessionOf = async (req: Request, res: Response): Promise<LiveSession | undefined> => {
    let s: LiveSession | undefined
    try {
      s = await findSession(req.params.id)
    } catch (err) {
      // Another node holds it (several machines) and has been asked to let go: ask again soon.
      if (!(err instanceof SessionElsewhere)) throw err
      res.status(503).set('Retry-After', '1').json({ error: 'unavailable' })
      return undefined
    }
    if (!s) res.status(404).json({ error: 'not_found' })
    return s
  }
  // Built over several event-loop turns: a session at the note cap is exported without making
  // the room wait (see bench/stall.ts).
  const answersOf = (s: LiveSession) => (surveyId: string, round: number) =>
    kiosk.records.surveyAnswers(s.id, surveyId, round).map((r) => ({ answers: parseAnswers(r.answers), answeredAt: r.answeredAt }))
  const recordOf = (s: LiveSession, includeHidden: boolean) =>
    buildRecordInTurns(s.row.id, s.doc, {
      includeHidden,
      phones: kiosk.records.phonesPosted(s.id),
      fallbackCreatedAt: s.row.createdAt,
      answersOf: answersOf(s),
      countWords: kiosk.countWords,
    })

  router.post('/api/sessions', auth, json, async (req, res) => {
    const body: unknown = req.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      res.status(400).json({ error: 'invalid' })
      return
    }
    const { title: rawTitle, prompt: rawPrompt = '' } = body as Record<string, unknown>
    const title = checkLine(rawTitle, limits.maxTitleChars, false)
    if (!title.ok) {
      res.status(400).json({ error: title.error })
      return
    }
    const prompt = checkLine(rawPrompt, limits.maxPromptChars, true)
    if (!prompt.ok) {
      res.status(400).json({ error: prompt.error })
      return
    }
    const row = await kiosk.sessions.create(title.text, prompt.text)
    res.status(201).json(sessionLinks(kiosk, row))
  })

  router.get('/api/sessions', auth, (_req, res) => {
    // Listing never loads a board: sessions not in memory answer from their stored summary.
    const list: SessionSummary[] = kiosk.sessions.list().map((row) => {
      const summary: SessionSummary = {
        ...sessionLinks(kiosk, row),
        title: row.title,
        prompt: row.prompt,
        createdAt: row.createdAt,
        ...kiosk.sessions.summary(row),
        phones: kiosk.records.phonesPosted(row.id),
      }
      // Where the secretariat finds a closed session's record, on every visit to its page.
      return summary.closed ? { ...summary, recordFiles: recordFilesOf(kiosk.config.dataDir, row.id) } : summary
    })
    res.json(list)
  })

  // Public: everyone holding the session id (every phone) may know where to join it.
  router.get('/api/sessions/:id/join', async (req, res) => {
    const session = await sessionOf(req, res)
    if (!session) return
    const { joinUrl } = sessionLinks(kiosk, session.row)
    res.json({ id: session.row.id, title: session.row.title, joinUrl })
  })

  router.get('/qr/:file', async (req, res) => {
    const id = req.params.file.endsWith('.svg') ? req.params.file.slice(0, -4) : ''
    // The row is enough: a QR code never loads a session (nor needs its lease).
    const row = isSessionId(id) ? kiosk.sessions.row(id) : undefined
    if (!row) {
      res.status(404).json({ error: 'not_found' })
      return
    }
    const svg = await QRCode.toString(sessionLinks(kiosk, row).joinUrl, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
    res.type('image/svg+xml').set('Cache-Control', 'no-cache').send(svg)
  })

  router.get('/api/sessions/:id/export', auth, async (req, res) => {
    const session = await sessionOf(req, res)
    if (!session) return
    // `format=surveys.csv` (or `format=csv&part=surveys`): the surveys' answers, one row per
    // answer, instead of the notes; `format=questions.csv`: the questions to the speaker.
    const asked = req.query.format ?? 'json'
    const format = asked === 'surveys.csv' ? 'csv' : asked
    const part = asked === 'surveys.csv' ? (req.query.part ?? 'surveys') : (req.query.part ?? 'notes')
    const lang = (req.query.lang ?? 'ja') as RecordLang
    if (!RECORD_LANGS.includes(lang) || (format !== 'json' && format !== 'md' && format !== 'csv' && format !== 'questions.csv') || (part !== 'notes' && part !== 'surveys') || (part === 'surveys' && format !== 'csv') || (asked === 'surveys.csv' && part !== 'surveys')) {
      res.status(400).json({ error: 'invalid' })
      return
    }
    const record = await recordOf(session, req.query.includeHidden === 'true')
    const name = format === 'questions.csv' ? `kurumaza-${session.row.id}-questions.csv` : `kurumaza-${session.row.id}${part === 'surveys' ? '-surveys' : ''}.${format}`
    res.set('Content-Disposition', `attachment; filename="${name}"`)
    // The big ones (the notes at the note cap: megabytes) are written and encoded a few notes
    // per turn of the event loop, then sent as they are (no ETag: hashing them is one more
    // long step, and an export is never cached).
    const send = async (type: string, text: Promise<string | string[]>) => {
      const pieces = await text
      const body = await runInTurns(utf8Steps(typeof pieces === 'string' ? [pieces] : pieces))
      res.type(type).set('Content-Length', String(body.byteLength)).end(body)
    }
    if (format === 'json') await send('application/json', runInTurns(recordJsonSteps(record)))
    else if (format === 'md') await send('text/markdown; charset=utf-8', runInTurns(markdownSteps(record, lang)))
    else if (format === 'csv' && part === 'notes') await send('text/csv; charset=utf-8', runInTurns(csvSteps(record, lang)))
    else if (format === 'csv' && part === 'surveys') res.type('text/csv; charset=utf-8').send(toSurveyCsv(record.surveys ?? [], answersOf(session), lang))
    else res.type('text/csv; charset=utf-8').send(questionsCsv(record, lang))
  })

  // Taken as bytes (same type, size limit and answers as express.json) and parsed off the event
  // loop: a record at the note cap is megabytes of JSON (record/import-thread.ts).
  const importBody = express.raw({ type: 'application/json', limit: limits.maxImportBytes })
  router.post('/api/sessions/import', auth, importBody, async (req, res) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase()
    if (!Buffer.isBuffer(req.body) || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
      res.status(400).json({ error: 'invalid' })
      return
    }
    const result = await readRecordBytes(req.body, limits, kiosk.log)
    if (!result.ok) {
      res.status(400).json({ error: result.error })
      return
    }
    // Told apart from the original in the list, and listed under the day the workshop was held.
    const title = suffixedTitle(result.title, `（読み込み ${localDate(Date.now())}）`, limits.maxTitleChars)
    const row = await kiosk.sessions.createFilled(title, result.prompt, result.apply, Number.isFinite(result.createdAt) ? result.createdAt : Date.now())
    res.status(201).json(sessionLinks(kiosk, row))
  })

  /** The board each session's record files were last written from (its state vector). */
  const written = new WeakMap<LiveSession, Uint8Array>()
  /** One session's writes one after another: two at once would share their temporary files. */
  const writing = new WeakMap<LiveSession, Promise<unknown>>()
  const writeFiles = (s: LiveSession): Promise<string[]> => {
    const write = async () => {
      const from = Y.encodeStateVector(s.doc)
      const files = await writeRecordFiles(kiosk.config.dataDir, await recordOf(s, false))
      written.set(s, from)
      return files
    }
    const next = (writing.get(s) ?? Promise.resolve()).then(write, write)
    writing.set(s, next)
    return next
  }
  // A closed session changed afterwards (a note hidden, the title corrected, a word left out of a
  // cloud): its record files are written again within a moment (recordRewriteMs), so the
  // secretariat's copy in DATA_DIR/records is never older than the board.
  const rewrites = new Map<string, NodeJS.Timeout>()
  kiosk.sessions.events.changed.on((s) => {
    // After every change of every session: the cheap checks first (a note burst passes here).
    if (metaMap(s.doc).get('closed') !== true || rewrites.has(s.id) || recordFilesOf(kiosk.config.dataDir, s.id).length === 0) return
    const t = setTimeout(() => {
      rewrites.delete(s.id)
      const last = written.get(s)
      if (kiosk.sessions.get(s.id) !== s || metaMap(s.doc).get('closed') !== true) return
      if (last && Buffer.from(last).equals(Buffer.from(Y.encodeStateVector(s.doc)))) return
      writeFiles(s).catch((err: unknown) => kiosk.log.error(`could not write the record files of session ${s.id} again:`, err))
    }, limits.recordRewriteMs)
    t.unref()
    rewrites.set(s.id, t)
  })

  router.post('/api/sessions/:id/close', auth, async (req, res) => {
    const session = await sessionOf(req, res)
    if (!session) return
    await session.commit({ apply: (doc) => setClosed(doc, true) })
    let files: string[] = []
    try {
      files = await writeFiles(session)
    } catch (err) {
      kiosk.log.error('could not write the record files:', err)
      res.status(500).json({ error: 'unavailable' })
      return
    }
    res.json({ ok: true, files })
  })

  router.post('/api/sessions/:id/reopen', auth, async (req, res) => {
    const session = await sessionOf(req, res)
    if (!session) return
    await session.commit({ apply: (doc) => setClosed(doc, false) })
    res.json({ ok: true })
  })

  // A template: same title, prompts, agenda, surveys and settings, no notes, groups, votes or answers.
  router.post('/api/sessions/:id/duplicate', auth, async (req, res) => {
    const session = await sessionOf(req, res)
    if (!session) return
    const record = await recordOf(session, false)
    // Its agenda and surveys too, without their rounds: the survey is run afresh.
    const surveys = (record.surveys ?? []).map((s) => ({ ...s, rounds: [] }))
    const template = await readRecord({ ...record, surveys, notes: [], groups: [], phases: [], session: { ...record.session, createdAt: new Date().toISOString(), settings: { ...record.session.settings, locked: false } } }, limits)
    if (!template.ok) {
      res.status(400).json({ error: template.error })
      return
    }
    const row = await kiosk.sessions.createFilled(suffixedTitle(template.title, '（複製）', limits.maxTitleChars), template.prompt, template.apply)
    res.status(201).json(sessionLinks(kiosk, row))
  })

  // The kiosk's own health, for the console and for soak runs.
  router.get('/api/status', auth, (_req, res) => {
    const mem = process.memoryUsage()
    res.json({
      uptimeSeconds: Math.round(process.uptime()),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      activeHandles: process.getActiveResourcesInfo().length,
      connections: kiosk.connections.total,
      sessionsLoaded: kiosk.sessions.loaded().length,
      storage: kiosk.storage.storeError ? 'failing' : 'ok',
    })
  })

  router.delete('/api/sessions/:id', auth, async (req, res) => {
    const id = req.params.id
    if (!isSessionId(id) || !(await kiosk.sessions.delete(id))) {
      res.status(404).json({ error: 'not_found' })
      return
    }
    res.status(204).end()
  })

  return router
}
