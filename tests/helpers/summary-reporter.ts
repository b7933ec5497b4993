import type { Reporter, TestModule } from 'vitest/node'
import { skippedLine } from './global-setup.ts'

/**
 * Ends every run with one plain line, `N passed, N failed, N skipped`, that any CI can read
 * whatever its test runner.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') counts.passed++
        else if (state === 'failed') counts.failed++
        else counts.skipped++
      }
    }
    console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
    const skipped = skippedLine()
    if (skipped && counts.skipped > 0) console.log(`\x1b[1;33m⚠ ${skipped}\x1b[0m`)
  }
}
