import { missingServices, SERVICE_HINT } from './services.ts'

/** What a run without PostgreSQL, Redis or HAProxy skips, in one line; undefined when none is missing. */
export function skippedLine(): string | undefined {
  const missing = missingServices()
  if (missing.length === 0) return undefined
  return `SKIPPED: the PostgreSQL store contract, cluster and failover tests (${missing.join(', ')} not installed). To run them: ${SERVICE_HINT}`
}

/**
 * Once per run: the tests of several machines need PostgreSQL, Redis and HAProxy from the
 * system's packages. Without them they are skipped, said in one loud line at the end of the run
 * (summary-reporter.ts); under CI=true nothing may be skipped, so a missing one fails the run.
 */
export default function setup(): void {
  const line = skippedLine()
  if (line && process.env.CI === 'true') throw new Error(`CI=true and ${line}`)
}
