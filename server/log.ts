/**
 * Namespaced loggers, passed in rather than imported, so tests run quiet and a user can turn
 * on detail with DEBUG=kurumaza:* (or a list of namespaces).
 */
export interface Logger {
  info(msg: string, ...rest: unknown[]): void
  warn(msg: string, ...rest: unknown[]): void
  error(msg: string, ...rest: unknown[]): void
  debug(msg: string, ...rest: unknown[]): void
  child(ns: string): Logger
}

function enabled(pattern: string | undefined, ns: string): boolean {
  if (!pattern) return false
  return pattern.split(',').some((p) => {
    const t = p.trim()
    return t === '*' || t === ns || (t.endsWith('*') && ns.startsWith(t.slice(0, -1)))
  })
}

export function consoleLogger(ns = 'kurumaza', debugPattern = process.env.DEBUG): Logger {
  const tag = `[${ns}]`
  return {
    info: (m, ...r) => console.log(tag, m, ...r),
    warn: (m, ...r) => console.warn(tag, m, ...r),
    error: (m, ...r) => console.error(tag, m, ...r),
    debug: (m, ...r) => {
      if (enabled(debugPattern, ns)) console.log(tag, m, ...r)
    },
    child: (sub) => consoleLogger(`${ns}:${sub}`, debugPattern),
  }
}

/** Keeps warnings and errors in memory (tests assert on them) and prints nothing. */
export function quietLogger(sink: string[] = []): Logger & { lines: string[] } {
  const push = (level: string) => (m: string, ...r: unknown[]) => {
    sink.push(`${level} ${m} ${r.map((x) => (x instanceof Error ? x.message : String(x))).join(' ')}`.trim())
  }
  return {
    lines: sink,
    info: () => {},
    debug: () => {},
    warn: push('warn'),
    error: push('error'),
    child: () => quietLogger(sink),
  }
}
