/**
 * Reads a V8 .cpuprofile (from `node --cpu-prof`) and says where the time went: self time by
 * function and by package, so a slow path can be named with evidence.
 */
import fs from 'node:fs'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

export interface ProfileRow {
  name: string
  selfMs: number
  pct: number
}

export interface ProfileSummary {
  file: string
  totalMs: number
  /** sampled time that was not idle, garbage collection or the profiler itself */
  busyMs: number
  gcMs: number
  byFunction: ProfileRow[]
  byPackage: ProfileRow[]
  /** the project's own functions (server/, shared/) by total time: self plus everything they called */
  projectInclusive: ProfileRow[]
}

function packageOf(url: string): string {
  if (url === '') return '(native/V8)'
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/')
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url)
  }
  if (url.startsWith('node:')) return 'node (core)'
  const m = /\/(server|shared|bench)\/(.*)$/.exec(url)
  if (m) return `${m[1]}/${m[2]?.split('/')[0]}`
  return url
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000))
  const fn = new Map<string, number>()
  const pkg = new Map<string, number>()
  let busy = 0
  let gc = 0
  for (const [id, ms] of self) {
    const node = byId.get(id)
    if (!node) continue
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') continue
    if (functionName === '(garbage collector)') gc += ms
    busy += ms
    const short = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(server|shared)\//, '$1/')
    const key = `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim()
    fn.set(key, (fn.get(key) ?? 0) + ms)
    const p = functionName === '(garbage collector)' ? '(garbage collector)' : packageOf(url.replace(/^file:\/\//, ''))
    pkg.set(p, (pkg.get(p) ?? 0) + ms)
  }
  // Inclusive time of the project's own functions: each sample counts once for every distinct
  // project function on its stack.
  const parent = new Map<number, number>()
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const keyOf = (n: ProfileNode) => {
    const short = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/(server|shared)\//, '$1/')
    return `${n.callFrame.functionName || '(anonymous)'} ${short}:${n.callFrame.lineNumber + 1}`
  }
  const inclusive = new Map<string, number>()
  for (const [id, ms] of self) {
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur)
      if (!node || !/\/(server|shared)\//.test(node.callFrame.url) || /node_modules/.test(node.callFrame.url)) continue
      const k = keyOf(node)
      if (seen.has(k)) continue
      seen.add(k)
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms)
    }
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, selfMs]) => ({ name, selfMs, pct: busy > 0 ? (100 * selfMs) / busy : 0 }))
  return { file, totalMs: (prof.endTime - prof.startTime) / 1000, busyMs: busy, gcMs: gc, byFunction: rows(fn), byPackage: rows(pkg), projectInclusive: rows(inclusive) }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2]
  if (!file) {
    console.error('usage: npx tsx bench/lib/profile.ts FILE.cpuprofile')
    process.exit(2)
  }
  const s = summarizeProfile(file, 25)
  console.log(`${s.file}: ${s.totalMs.toFixed(0)} ms profiled, ${s.busyMs.toFixed(0)} ms busy, ${s.gcMs.toFixed(0)} ms GC`)
  console.log('\nby package (self time)')
  for (const r of s.byPackage) console.log(`${r.selfMs.toFixed(1).padStart(9)} ms ${r.pct.toFixed(1).padStart(5)}%  ${r.name}`)
  console.log('\nproject functions (inclusive time)')
  for (const r of s.projectInclusive) console.log(`${r.selfMs.toFixed(1).padStart(9)} ms ${r.pct.toFixed(1).padStart(5)}%  ${r.name}`)
  console.log('\nby function (self time)')
  for (const r of s.byFunction) console.log(`${r.selfMs.toFixed(1).padStart(9)} ms ${r.pct.toFixed(1).padStart(5)}%  ${r.name}`)
}
