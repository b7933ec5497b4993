import express, { type Router } from 'express'
import QRCode from 'qrcode'
import { isSessionId } from '../../shared/ids.ts'
import { readNotes } from '../../shared/board-doc.ts'
import { checkLine } from '../../shared/text.ts'
import type { SessionSummary } from '../../shared/protocol.ts'
import type { Kiosk } from '../context.ts'
import { buildJsonRecord } from '../record/json.ts'
import { requireFacilitator } from './auth.ts'
import { sessionLinks } from './links.ts'

/** The session API: create and list (facilitator), the public join info and QR, exports. */
export function sessionRoutes(kiosk: Kiosk): Router {
  const router = express.Router()
  const auth = requireFacilitator(kiosk)
  const { limits } = kiosk.config

  const findSession = (id: unknown) => (isSessionId(id) ? kiosk.hub.get(id) : undefined)

  router.post('/api/sessions', auth, (req, res) => {
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
    const row = kiosk.hub.create(title.text, prompt.text)
    res.status(201).json(sessionLinks(kiosk, row))
  })

  router.get('/api/sessions', auth, (_req, res) => {
    const list: SessionSummary[] = kiosk.hub.list().map((row) => {
      const live = kiosk.hub.get(row.id)
      return {
        ...sessionLinks(kiosk, row),
        title: row.title,
        prompt: row.prompt,
        createdAt: row.createdAt,
        notes: live ? readNotes(live.doc).length : 0,
      }
    })
    res.json(list)
  })

  // Public: everyone holding the session id (every phone) may know where to join it.
  router.get('/api/sessions/:id/join', (req, res) => {
    const session = findSession(req.params.id)
    if (!session) {
      res.status(404).json({ error: 'not_found' })
      return
    }
    const { joinUrl } = sessionLinks(kiosk, session.row)
    res.json({ id: session.row.id, title: session.row.title, joinUrl })
  })

  router.get('/qr/:file', async (req, res) => {
    const id = req.params.file.endsWith('.svg') ? req.params.file.slice(0, -4) : ''
    const session = findSession(id)
    if (!session) {
      res.status(404).json({ error: 'not_found' })
      return
    }
    const svg = await QRCode.toString(sessionLinks(kiosk, session.row).joinUrl, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
    res.type('image/svg+xml').set('Cache-Control', 'no-cache').send(svg)
  })

  router.get('/api/sessions/:id/export', auth, (req, res) => {
    const session = findSession(req.params.id)
    if (!session) {
      res.status(404).json({ error: 'not_found' })
      return
    }
    const format = req.query.format ?? 'json'
    const includeHidden = req.query.includeHidden === 'true'
    if (format !== 'json') {
      // md and csv come with the session record (see docs/PROTOCOL.md).
      res.status(400).json({ error: 'invalid' })
      return
    }
    const record = buildJsonRecord(session.row, session.doc, { includeHidden })
    res
      .type('application/json')
      .set('Content-Disposition', `attachment; filename="kurumaza-${session.row.id}.json"`)
      .send(JSON.stringify(record, null, 2))
  })

  return router
}
