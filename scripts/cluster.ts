/**
 * `npm run cluster -- --nodes N`: N kiosk nodes on this machine, each on its own port with its
 * own data folder (DATA_DIR/node-<i>: its lock and record files), sharing PostgreSQL
 * (DATABASE_URL) and Redis (REDIS_URL), behind HAProxy on PORT. Writes DATA_DIR/cluster.json
 * (`{"url", "nodes": [{"pid", "port"}], "proxy": {"pid", "port"}}`); SIGINT or SIGTERM stops
 * everything it started. A node that dies is left dead (the others take its sessions over):
 * that is what a trial of a failover needs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildClient, buildServer, KIOSK_ARGS } from './build.mjs'
import { haproxyConfig } from './haproxy.ts'
import { freePort, waitForPort } from './net.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const env = process.env
const fail = (msg: string): never => {
  console.error(msg)
  process.exit(1)
}

const nodesArg = process.argv.indexOf('--nodes')
const N = nodesArg >= 0 ? Number(process.argv[nodesArg + 1]) : 3
if (!Number.isInteger(N) || N < 1 || N > 32) fail(`--nodes must be a number from 1 to 32 (got "${process.argv[nodesArg + 1]}").`)
const HOW = 'See README, "Several machines", for how to install and start them from the system\'s packages.'
if (!env.DATABASE_URL) fail(`DATABASE_URL is not set: the nodes share PostgreSQL (e.g. postgres://kurumaza:secret@127.0.0.1:5432/kurumaza). ${HOW}`)
if (!env.REDIS_URL) fail(`REDIS_URL is not set: the nodes share Redis as their bus (e.g. redis://127.0.0.1:6379). ${HOW}`)
const haproxy = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'].find((p) => fs.existsSync(p)) ?? fail(`haproxy is not installed. ${HOW}`)

const dataDir = path.resolve(env.DATA_DIR || './data')
const host = env.HOST || '0.0.0.0'
const wanted = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT)
if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65_535) fail(`PORT must be a number from 0 to 65535 (got "${env.PORT}").`)
const proxyPort = wanted === 0 ? await freePort() : wanted
const lan = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address
const local = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${proxyPort}`
const publicUrl = env.PUBLIC_URL || (host === '0.0.0.0' && lan ? `http://${lan}:${proxyPort}` : local)

fs.mkdirSync(dataDir, { recursive: true })
await buildClient()
await buildServer()

const children: ChildProcess[] = []
let stopping = false

function startNode(i: number, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const nodeDir = path.join(dataDir, `node-${i}`)
  const child = spawn(process.execPath, KIOSK_ARGS, {
    cwd: root,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: nodeDir, PUBLIC_URL: publicUrl, TRUSTED_PROXIES: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  const tag = `[node-${i}] `
  const relay = (d: Buffer) => {
    out += d
    // Past start-up, a node's own lines (warnings, errors) go to this terminal, marked.
    if (ready) for (const line of String(d).split('\n')) if (line.trim()) console.log(tag + line)
  }
  let ready = false
  child.stdout!.on('data', relay)
  child.stderr!.on('data', relay)
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`${tag}exited (${signal ?? code}); the other nodes take its sessions over.`)
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node-${i} did not start:\n${out}`)), 30_000)
    const check = () => {
      if (!/Stop with Ctrl\+C/.test(out)) return
      clearTimeout(timer)
      ready = true
      resolve({ child, output: () => out })
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      if (!ready) reject(new Error(`node-${i} exited with ${code}:\n${out}`))
    })
  })
}

async function stopAll(signal: string, code = 0): Promise<void> {
  if (stopping) return
  stopping = true
  console.log(`${signal}: stopping ${children.length} processes…`)
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null)
  const gone = Promise.all(alive.map((c) => new Promise((r) => c.once('exit', r))))
  for (const c of alive) c.kill('SIGTERM')
  const force = setTimeout(() => alive.forEach((c) => c.kill('SIGKILL')), 8_000)
  await gone
  clearTimeout(force)
  fs.rmSync(path.join(dataDir, 'cluster.json'), { force: true })
  process.exit(code)
}
// However this script ends, nothing it started outlives it.
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL')))
process.on('SIGINT', () => void stopAll('SIGINT'))
process.on('SIGTERM', () => void stopAll('SIGTERM'))

try {
  const ports = await Promise.all(Array.from({ length: N }, () => freePort()))
  // One after the other: the first makes the tables and the facilitator token, the rest find them.
  const nodes = []
  for (let i = 0; i < N; i++) nodes.push({ ...(await startNode(i + 1, ports[i]!)), port: ports[i]! })
  const cfg = path.join(dataDir, 'haproxy.cfg')
  fs.writeFileSync(cfg, haproxyConfig({ host, port: proxyPort }, nodes.map((n, i) => ({ name: `node-${i + 1}`, host: '127.0.0.1', port: n.port }))))
  const check = spawnSync(haproxy, ['-c', '-q', '-f', cfg], { encoding: 'utf8' })
  if (check.status !== 0) throw new Error(`HAProxy refused ${cfg}:\n${check.stderr}${check.stdout}`)
  const proxy = spawn(haproxy, ['-db', '-f', cfg], { stdio: ['ignore', 'inherit', 'inherit'] })
  children.push(proxy)
  proxy.once('exit', (code) => !stopping && (console.error(`HAProxy exited (${code}); stopping.`), void stopAll('proxy exit')))
  await waitForPort(proxyPort)
  const info = { url: local, nodes: nodes.map((n) => ({ pid: n.child.pid, port: n.port })), proxy: { pid: proxy.pid, port: proxyPort } }
  fs.writeFileSync(path.join(dataDir, 'cluster.json'), JSON.stringify(info, null, 2) + '\n')
  const token = /\/f\?token=([^\s]+)/.exec(nodes[0]!.output())?.[1]
  console.log('')
  console.log(`  車座 Kurumaza: ${N} nodes behind HAProxy.`)
  console.log(`  Facilitator console: ${publicUrl}/f?token=${token ?? '<FACILITATOR_TOKEN>'}`)
  if (publicUrl !== local) console.log(`                       ${local}/f?token=${token ?? '<FACILITATOR_TOKEN>'}`)
  console.log(`  Nodes: ${nodes.map((n, i) => `node-${i + 1} pid ${n.child.pid} port ${n.port}`).join(', ')}; proxy pid ${proxy.pid} port ${proxyPort}`)
  console.log(`  ${path.join(dataDir, 'cluster.json')} says the same. Stop with Ctrl+C.`)
  console.log('')
} catch (err) {
  console.error((err as Error).message)
  await stopAll('start-up failure', 1)
}
