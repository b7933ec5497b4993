/**
 * Throwaway PostgreSQL, Redis and HAProxy for the tests of several machines, started from the
 * system's packages (Debian: postgresql, redis-server, haproxy) in temp folders on free ports.
 * Without them those tests are skipped, with one line saying so (tests/helpers/global-setup.ts);
 * under CI=true a missing one fails the run instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort, waitForPort } from '../../scripts/net.ts'

export { freePort, waitForPort }

export type Service = 'postgresql' | 'redis-server' | 'haproxy'

/** initdb and pg_ctl of the newest PostgreSQL installed (Debian keeps them off the PATH). */
function pgBin(): string | undefined {
  const base = '/usr/lib/postgresql'
  const versions = fs.existsSync(base) ? fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)) : []
  for (const v of versions) if (fs.existsSync(path.join(base, v, 'bin', 'initdb'))) return path.join(base, v, 'bin')
  const onPath = which('initdb')
  return onPath ? path.dirname(onPath) : undefined
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    const p = path.join(dir, cmd)
    if (fs.existsSync(p)) return p
  }
  return undefined
}

export const SERVICE_HINT = 'sudo apt-get install postgresql redis-server haproxy (README, "Several machines")'

/** Which of the three are missing on this machine. */
export function missingServices(): Service[] {
  const missing: Service[] = []
  if (!pgBin()) missing.push('postgresql')
  if (!which('redis-server')) missing.push('redis-server')
  if (!which('haproxy')) missing.push('haproxy')
  return missing
}

/** True when the tests of several machines can run here. */
export const haveServices = (): boolean => missingServices().length === 0

export interface Running {
  url: string
  stop(): Promise<void>
}

const isRoot = process.getuid?.() === 0

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user. */
function asPostgres(cmd: string, args: string[]): { cmd: string; args: string[] } {
  return isRoot ? { cmd: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] } : { cmd, args }
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout || r.error?.message}`)
}

/** A fresh PostgreSQL cluster in a temp folder, on 127.0.0.1, trusting local connections. */
export async function startPostgres(): Promise<Running> {
  const bin = pgBin()
  if (!bin) throw new Error(`PostgreSQL is not installed: ${SERVICE_HINT}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurumaza-pg-'))
  if (isRoot) run('chown', ['postgres', dir])
  const data = path.join(dir, 'data')
  const port = await freePort()
  const init = asPostgres(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'kurumaza', '-E', 'UTF8', '--no-instructions'])
  run(init.cmd, init.args)
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`
  const start = asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start'])
  run(start.cmd, start.args)
  return {
    url: `postgres://kurumaza@127.0.0.1:${port}/postgres`,
    async stop() {
      const stop = asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'])
      spawnSync(stop.cmd, stop.args)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A Redis on a free port that keeps nothing on disk. */
export async function startRedis(): Promise<Running> {
  const bin = which('redis-server')
  if (!bin) throw new Error(`Redis is not installed: ${SERVICE_HINT}`)
  const port = await freePort()
  const child: ChildProcess = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  await waitForPort(port)
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await gone
      }
    },
  }
}
