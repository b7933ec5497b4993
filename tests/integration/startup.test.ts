import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ROOT, tempDir } from '../helpers/kiosk.ts'
import { exited, spawnKiosk } from '../helpers/process.ts'
import { buildServer, KIOSK_ARGS, KIOSK_NODE_FLAGS } from '../../scripts/build.mjs'

async function runMain(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  await buildServer()
  const child = spawn(process.execPath, KIOSK_ARGS, {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', ...env },
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  // Every case here expects the kiosk to refuse to start: one that starts anyway is stopped.
  const stray = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return exited(child).then((code) => {
    clearTimeout(stray)
    return { code, out }
  })
}

describe('starting the kiosk from the terminal', () => {
  it('npm start gives node the same flags as every tool that spawns the kiosk (4 MB semi-spaces, old generation grown by half)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    const start = pkg.scripts.start!.split(/\s+/)
    expect(KIOSK_NODE_FLAGS).toEqual(['--max-semi-space-size=4', '--heap-growing-percent=50'])
    expect(start.slice(0, 1 + KIOSK_NODE_FLAGS.length)).toEqual(['node', ...KIOSK_NODE_FLAGS])
    expect(start.at(-1)).toBe('scripts/start.mjs')
  })

  it('prints the console URL with its token, a QR code and where data is kept', async () => {
    const dataDir = tempDir()
    const k = await spawnKiosk({ DATA_DIR: dataDir, FACILITATOR_TOKEN: 'printed-token-abcdefghijklmnopqrstuvwxyz012' })
    try {
      // The banner is written in several chunks: wait for all of it rather than a fixed time.
      await expect.poll(() => k.output()).toContain(path.join(dataDir, 'kurumaza.sqlite'))
      await expect.poll(() => k.output()).toContain('▄') // the QR code
      expect(k.output()).toMatch(/http:\/\/localhost:\d+\/f\?token=printed-token-abcdefghijklmnopqrstuvwxyz012/)
      expect((await fetch(`${k.url}/healthz`)).status).toBe(200)
    } finally {
      k.child.kill('SIGINT')
    }
    expect(await exited(k.child)).toBe(0)
  })

  it('loads no LevelDB: the board library\'s y-leveldb persistence is left out of the server bundle', async () => {
    const k = await spawnKiosk({ DATA_DIR: tempDir(), FACILITATOR_TOKEN: 'leveldb-token-abcdefghijklmnopqrstuvwxyz0123' })
    try {
      // a board connection works without it
      expect((await fetch(`${k.url}/healthz`)).status).toBe(200)
      const maps = fs.readFileSync(`/proc/${k.child.pid}/maps`, 'utf8')
      expect(maps).toContain('better_sqlite3.node')
      expect(maps).not.toMatch(/leveldown|leveldb/i)
    } finally {
      k.child.kill('SIGINT')
    }
    expect(await exited(k.child)).toBe(0)
  })

  it('generates a token on first start, keeps it in the database and reuses it', async () => {
    const dataDir = tempDir()
    const token = (out: string) => /\/f\?token=([A-Za-z0-9_-]+)/.exec(out)?.[1]
    const a = await spawnKiosk({ DATA_DIR: dataDir, FACILITATOR_TOKEN: '' })
    const first = token(a.output())
    a.child.kill('SIGTERM')
    await exited(a.child)
    const b = await spawnKiosk({ DATA_DIR: dataDir, FACILITATOR_TOKEN: '' })
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(token(b.output())).toBe(first)
    b.child.kill('SIGTERM')
    await exited(b.child)
    expect(fs.readdirSync(dataDir).filter((f) => !f.startsWith('kurumaza.sqlite'))).toEqual([])
  })

  it('says in one line when the port is in use', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1')
    await new Promise((r) => blocker.once('listening', r))
    const port = (blocker.address() as net.AddressInfo).port
    const { code, out } = await runMain({ PORT: String(port), DATA_DIR: tempDir() })
    blocker.close()
    expect(code).toBe(1)
    expect(out.trim()).toBe(`Port ${port} is already in use (is Kurumaza already running?). Try another: PORT=${port + 1} npm start`)
  })

  it('says in one line when DATA_DIR cannot be used', async () => {
    const file = path.join(tempDir(), 'not-a-folder')
    fs.writeFileSync(file, 'x')
    const { code, out } = await runMain({ PORT: '0', DATA_DIR: file })
    expect(code).toBe(1)
    expect(out.trim().split('\n')).toHaveLength(1)
    expect(out).toContain('Cannot use the data folder')
    expect(out).toContain('Set DATA_DIR')
  })

  it('refuses a second kiosk on the same data folder in one line naming the folder and the kiosk that has it', async () => {
    const dataDir = tempDir()
    const first = await spawnKiosk({ DATA_DIR: dataDir })
    try {
      const { code, out } = await runMain({ PORT: '0', DATA_DIR: dataDir })
      expect(code).toBe(1)
      expect(out.trim().split('\n')).toHaveLength(1)
      expect(out).toContain(`Another Kurumaza is already using the data folder ${path.resolve(dataDir)}`)
      expect(out).toContain(`process ${first.child.pid}, started ${new Date().getFullYear()}-`)
      // the first one never noticed
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200)
    } finally {
      first.child.kill('SIGTERM')
      await exited(first.child)
    }
  })

  it('starts at once on the data folder of a kiosk killed with -9 (the OS drops its lock)', async () => {
    const dataDir = tempDir()
    const first = await spawnKiosk({ DATA_DIR: dataDir })
    first.child.kill('SIGKILL')
    await exited(first.child)
    const second = await spawnKiosk({ DATA_DIR: dataDir })
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200)
    second.child.kill('SIGTERM')
    expect(await exited(second.child)).toBe(0)
  })

  it('says in one line which database file is damaged and how to recover', async () => {
    const dataDir = tempDir()
    fs.mkdirSync(path.join(dataDir, 'records'))
    fs.writeFileSync(path.join(dataDir, 'kurumaza.sqlite'), Buffer.alloc(8192, 'not a database at all '))
    const { code, out } = await runMain({ PORT: '0', DATA_DIR: dataDir })
    expect(code).toBe(1)
    expect(out.trim().split('\n')).toHaveLength(1)
    expect(out).toContain(`The database ${path.join(path.resolve(dataDir), 'kurumaza.sqlite')} is damaged`)
    expect(out).toContain('move the file aside')
    expect(out).toContain('backup')
    expect(out).toContain(path.join(path.resolve(dataDir), 'records'))
    // nothing was changed or replaced
    expect(fs.readFileSync(path.join(dataDir, 'kurumaza.sqlite'), 'utf8').startsWith('not a database')).toBe(true)
  })

  it('refuses a PORT that is not a port', async () => {
    const { code, out } = await runMain({ PORT: 'eighty', DATA_DIR: tempDir() })
    expect(code).toBe(1)
    expect(out.trim()).toBe('PORT must be a number from 0 to 65535 (got "eighty").')
  })
})
