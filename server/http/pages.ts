import express, { type Router } from 'express'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { isSessionId } from '../../shared/ids.ts'
import type { Kiosk } from '../context.ts'

const PAGE_STYLE =
  'body{font-family:system-ui,"Hiragino Sans","Noto Sans CJK JP","Yu Gothic",sans-serif;max-width:36rem;margin:3rem auto;padding:0 1.25rem;line-height:1.7;color:#1a1a1a}h1{font-size:1.5rem}p{font-size:1.125rem}'

/** A small static page in Japanese and English; never echoes anything from the request. */
function infoPage(titleJa: string, bodyJa: string, titleEn: string, bodyEn: string): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${titleJa} / ${titleEn}</title><style>${PAGE_STYLE}</style></head><body><main><h1>${titleJa}</h1><p>${bodyJa}</p><h1 lang="en">${titleEn}</h1><p lang="en">${bodyEn}</p></main></body></html>`
}

export const NOT_FOUND_PAGE = infoPage(
  'セッションが見つかりません',
  'このリンクのセッションはありません。QRコードをもう一度読み取るか、進行役にたずねてください。',
  'Session not found',
  'There is no session at this link. Scan the QR code again, or ask the facilitator.',
)

const NOT_BUILT_PAGE = infoPage(
  '画面がまだ用意されていません',
  '<code>npm start</code> で起動すると画面が作られます。',
  'The screens are not built yet',
  'Start the kiosk with <code>npm start</code>, which builds them first.',
)

/**
 * The three screens: `/j/:id` (phone), `/b/:id` (board), `/f` and `/f/:id` (console), and the
 * built assets. An unknown session gets a clear page, not a blank one.
 */
export function pageRoutes(kiosk: Kiosk, clientDir: string | undefined): Router {
  const router = express.Router()
  const html = new Map<string, string>()
  const page = (name: string): string | undefined => {
    if (!clientDir) return undefined
    if (!html.has(name)) {
      const file = path.join(clientDir, `${name}.html`)
      if (!fs.existsSync(file)) return undefined
      html.set(name, fs.readFileSync(file, 'utf8'))
    }
    return html.get(name)
  }

  const send = (name: string) => (req: express.Request, res: express.Response) => {
    const id = req.params.id
    if (id !== undefined && (!isSessionId(id) || !kiosk.sessions.row(id))) {
      res.status(404).type('html').send(NOT_FOUND_PAGE)
      return
    }
    const body = page(name)
    if (!body) {
      res.status(503).type('html').send(NOT_BUILT_PAGE)
      return
    }
    res.type('html').set('Cache-Control', 'no-cache').send(body)
  }

  router.get('/', (_req, res) => res.redirect(302, '/f'))
  router.get('/j/:id', send('phone'))
  router.get('/b/:id', send('board'))
  router.get('/f', send('console'))
  router.get('/f/:id', send('console'))
  if (clientDir) {
    // Built assets are immutable (hashed names): gzip each once, on first request, and keep it.
    // A phone then loads ~45 KB instead of ~130 KB over the room's Wi-Fi.
    const gzipped = new Map<string, Buffer | null>()
    router.use('/assets', (req, res, next) => {
      const name = req.path.slice(1)
      if (!/^[\w.-]+\.(js|css|svg|json)$/.test(name) || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return next()
      if (!gzipped.has(name)) {
        const file = path.join(clientDir, 'assets', name)
        gzipped.set(name, fs.existsSync(file) ? zlib.gzipSync(fs.readFileSync(file), { level: 9 }) : null)
      }
      const body = gzipped.get(name)
      if (!body) return next()
      res.type(path.extname(name)).set({ 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding', 'Cache-Control': 'public, max-age=31536000, immutable' }).send(body)
    })
    router.use('/assets', express.static(path.join(clientDir, 'assets'), { immutable: true, maxAge: '1y', index: false }))
    router.use(express.static(clientDir, { index: false, extensions: [] }))
  }
  return router
}
