/**
 * A real cluster for tests and the bench: throwaway PostgreSQL and Redis, then
 * `npm run cluster` (N nodes behind HAProxy) in a temp data folder, as a user would start it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { startPostgres, startRedis, type Running } from './services.ts'
import { buildClient, buildServer } from '../../scripts/build.mjs'

const ROOT = path.resolve(import.meta.dirname, '..', '..')

export interface ClusterInfo {
  url: string
  nodes: Array<{ pid: number; port: number }>
  proxy: { pid: number; port: number }
}

export interface TestCluster {
  info: ClusterInfo
  token: string
  databaseUrl: string
  redisUrl: string
  /** which node (pid) holds each session's lease now */
  owners(): Promise<Map<string, number>>
  output(): string
  stop(): Promise<void>
}

export async function startCluster(nodes: number, token = 'cluster-test-token-0123456789abcdefghijkl'): Promise<TestCluster> {
  const services: Running[] = []
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kurumaza-cluster-'))
  let child: ChildProcess | undefined
  // Stopped as a user would (SIGTERM to the script, which stops what it started), then anything
  // of its process group still there (tsx, the script, nodes, HAProxy) is killed.
  const stopGroup = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const gone = new Promise((r) => child!.once('exit', r))
    child.kill('SIGTERM')
    const force = setTimeout(() => process.kill(-child!.pid!, 'SIGKILL'), 10_000)
    await gone
    clearTimeout(force)
    // Whatever of the group outlived the script (nothing, normally).
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // the group is empty
    }
  }
  try {
    // Built first, so the wait below is for the nodes only (a build on a busy machine is slow).
    await buildClient({ quiet: true })
    await buildServer()
    const [db, redis] = await Promise.all([startPostgres(), startRedis()])
    services.push(db, redis)
    child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/cluster.ts', '--nodes', String(nodes)], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: db.url, REDIS_URL: redis.url, FACILITATOR_TOKEN: token, PUBLIC_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    const started = child
    let out = ''
    started.stdout!.on('data', (d) => (out += d))
    started.stderr!.on('data', (d) => (out += d))
    const file = path.join(dataDir, 'cluster.json')
    const until = Date.now() + 120_000
    while (!fs.existsSync(file)) {
      if (started.exitCode !== null) throw new Error(`npm run cluster exited with ${started.exitCode}:\n${out}`)
      if (Date.now() > until) throw new Error(`the cluster did not start:\n${out}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterInfo
    return {
      info,
      token,
      databaseUrl: db.url,
      redisUrl: redis.url,
      output: () => out,
      async owners() {
        const c = new pg.Client({ connectionString: db.url })
        await c.connect()
        try {
          // An advisory lock on a BIGINT key shows as its high (classid) and low (objid) halves.
          const r = await c.query<{ id: string; name: string }>(
            `SELECT s.id, a.application_name AS name FROM sessions s
               CROSS JOIN LATERAL (SELECT hashtextextended(s.id, 0) AS h) k
               JOIN pg_locks l ON l.locktype = 'advisory' AND l.classid::bigint = (k.h >> 32) & 4294967295 AND l.objid::bigint = k.h & 4294967295
               JOIN pg_stat_activity a ON a.pid = l.pid`,
          )
          return new Map(r.rows.map((row) => [row.id, Number(row.name.replace('kurumaza-read-', ''))]))
        } finally {
          await c.end()
        }
      },
      async stop() {
        await stopGroup()
        for (const s of services) await s.stop()
        fs.rmSync(dataDir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    await stopGroup()
    for (const s of services) await s.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
}
