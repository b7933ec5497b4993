/**
 * The kiosk's entry point: the only module that reads the environment. Starts the server,
 * prints where to go (with a QR code for the facilitator's URL) and closes cleanly on signals.
 */
import { existsSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import QRCode from 'qrcode'
import { createServer, DEV_HMR_PATH, lanAddresses, type DevMiddleware } from './app.ts'
import { DEFAULTS, makeConfig } from './config.ts'
import { consoleLogger } from './log.ts'
import { DataDirLockedError } from './store/lock.ts'
import { StoreError } from './store/store.ts'
import { PATHS } from '../shared/protocol.ts'

/** The project folder: the nearest one above this file with a package.json (src or built bundle). */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
}

/** The longest a stop on SIGINT or SIGTERM may take before the process exits regardless. */
const SHUTDOWN_BOUND_MS = 5_000

const root = projectRoot()
const env = process.env
const log = consoleLogger()

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULTS.port
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    console.error(`PORT must be a number from 0 to 65535 (got "${raw}").`)
    process.exit(1)
  }
  return n
}

function parsePublicUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  try {
    const u = new URL(raw)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)')
    return u.href.replace(/\/+$/, '')
  } catch {
    console.error(`PUBLIC_URL must be a full http(s) URL such as http://192.168.1.20:3000 (got "${raw}").`)
    process.exit(1)
  }
}

function parseProxies(raw: string | undefined): string[] {
  const list = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  const bad = list.find((a) => net.isIP(a) === 0)
  if (bad !== undefined) {
    console.error(`TRUSTED_PROXIES must be a comma-separated list of IP addresses (got "${bad}").`)
    process.exit(1)
  }
  return list
}

function parseWindow(raw: string | undefined): number {
  if (!raw) return DEFAULTS.writeWindowMs
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0 || n > 1_000) {
    console.error(`KURUMAZA_WRITE_WINDOW_MS must be a number of milliseconds from 0 to 1000 (got "${raw}").`)
    process.exit(1)
  }
  return n
}

async function main(): Promise<void> {
  const devMode = process.argv.includes('--dev')
  const config = makeConfig({
    port: parsePort(env.PORT),
    host: env.HOST || DEFAULTS.host,
    dataDir: env.DATA_DIR || DEFAULTS.dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    trustedProxies: parseProxies(env.TRUSTED_PROXIES),
    facilitatorToken: env.FACILITATOR_TOKEN || undefined,
    publicUrl: parsePublicUrl(env.PUBLIC_URL),
    clientDir: devMode ? undefined : path.join(root, 'dist', 'client'),
    durability: env.KURUMAZA_DURABILITY === 'normal' ? 'normal' : 'full',
    writeWindowMs: parseWindow(env.KURUMAZA_WRITE_WINDOW_MS),
    log,
  })
  const dev: DevMiddleware | undefined = devMode
    ? async (app, server) => {
        const { createServer: createVite } = await import('vite')
        const vite = await createVite({
          configFile: path.join(root, 'vite.config.ts'),
          server: { middlewareMode: true, hmr: { server, path: DEV_HMR_PATH } },
          appType: 'custom',
        })
        // In dev, pages are served by Vite from client/*.html with hot reload.
        const pages: Array<[RegExp, string]> = [[/^\/j\/[^/]+$/, 'phone'], [/^\/b\/[^/]+$/, 'board'], [/^\/f(\/[^/]+)?$/, 'console']]
        app.use(async (req, res, next) => {
          const match = pages.find(([re]) => re.test(req.path))
          if (!match) return next()
          const fs = await import('node:fs/promises')
          const raw = await fs.readFile(path.join(root, 'client', `${match[1]}.html`), 'utf8')
          res.type('html').send(await vite.transformIndexHtml(req.originalUrl, raw))
        })
        app.use(vite.middlewares)
      }
    : undefined

  let running
  try {
    running = await createServer(config, dev)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE') console.error(`Port ${config.port} is already in use (is Kurumaza already running?). Try another: PORT=${config.port + 1} npm start`)
    else if (e.code === 'EACCES') console.error(`Not allowed to listen on port ${config.port}. Use a port above 1024, e.g. PORT=3000 npm start`)
    else if (err instanceof DataDirLockedError) console.error(err.message)
    else if (err instanceof StoreError && err.code === 'corrupt') console.error(err.message)
    else if (err instanceof StoreError) console.error(`Cannot use the data folder: ${e.message}. Set DATA_DIR to a folder you can write to.`)
    else console.error('Kurumaza could not start:', e.message)
    process.exit(1)
  }

  const consolePath = `${PATHS.facilitator()}?token=${encodeURIComponent(running.token)}`
  const hosts = config.publicUrl ? [config.publicUrl] : lanAddresses().map((ip) => `http://${ip}:${running.port}`)
  const local = `http://localhost:${running.port}`
  const primary = config.publicUrl ?? hosts[0] ?? local
  console.log('')
  console.log('  車座 Kurumaza is running.')
  console.log('')
  console.log('  Facilitator console (keep this URL to yourself: it holds the facilitator token):')
  for (const h of [...hosts, local]) console.log(`    ${h}${consolePath}`)
  console.log('')
  console.log(await QRCode.toString(`${primary}${consolePath}`, { type: 'terminal', small: true }))
  console.log(`  Phones join at ${running.publicBase}/j/<session>; the console shows each session's QR code.`)
  if (hosts.length === 0 && !config.publicUrl) console.log('  No LAN address found: phones cannot reach this laptop until it joins a network.')
  console.log(`  Data: ${running.dataFile}`)
  if (devMode) console.log('  Development mode: pages are served by Vite with hot reload.')
  console.log('  Stop with Ctrl+C.')
  console.log('')

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      // A second Ctrl+C means now.
      log.info(`${signal} again: exiting now.`)
      process.exit(1)
    }
    stopping = true
    log.info(`${signal}: closing…`)
    // Closing ends every socket itself; this only guards against a bug there keeping the
    // process up (the database needs no closing to stay whole: its journal recovers it).
    setTimeout(() => {
      console.error(`Kurumaza did not close within ${SHUTDOWN_BOUND_MS / 1000} s; exiting anyway.`)
      process.exit(1)
    }, SHUTDOWN_BOUND_MS).unref()
    running.close().then(
      () => process.exit(0),
      (err) => {
        console.error('error while closing:', err)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

void main()
