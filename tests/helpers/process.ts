import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { ROOT } from './kiosk.ts'
import { buildServer, KIOSK_ARGS } from '../../scripts/build.mjs'

export interface KioskProcess {
  child: ChildProcess
  url: string
  output: () => string
}

/** Run the built server as its own process, the way `npm start` does, and wait for its URL. */
export async function spawnKiosk(env: Record<string, string>): Promise<KioskProcess> {
  await buildServer()
  const child = spawn(process.execPath, KIOSK_ARGS, {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kiosk did not start:\n${out}`)), 20_000)
    const check = () => {
      const m = /http:\/\/localhost:(\d+)\/f\?token=/.exec(out)
      if (m) {
        clearTimeout(timer)
        child.stdout!.off('data', check)
        resolve({ child, url: `http://127.0.0.1:${m[1]}`, output: () => out })
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`kiosk exited with ${code}:\n${out}`))
    })
  })
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}
