import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'

export default defineConfig({
  // Components are rendered with svelte/server in unit tests (tests/unit/survey-charts.test.ts).
  plugins: [svelte()],
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here: files run two at a time; browser tests share one Chromium per file.
    maxWorkers: 2,
    // Polls give up later than the default 1 s: CI machines have 2 busy cores.
    expect: { poll: { timeout: 5_000, interval: 20 } },
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
  },
})
