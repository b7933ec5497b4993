import { missingServices, SERVICE_HINT } from './services.ts'

/**
 * Once per run: the tests of several machines need PostgreSQL, Redis and HAProxy from the
 * system's packages. Without them they are skipped, said in one loud line; under CI=true
 * nothing may be skipped, so a missing one fails the run.
 */
export default function setup(): void {
  const missing = missingServices()
  if (missing.length === 0) return
  const line = `SKIPPED: the PostgreSQL store contract, cluster and failover tests (${missing.join(', ')} not installed). To run them: ${SERVICE_HINT}`
  if (process.env.CI === 'true') throw new Error(`CI=true and ${line}`)
  console.warn(`\n\x1b[1;33m⚠ ${line}\x1b[0m\n`)
}
