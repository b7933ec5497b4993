// Starts the mirror thread from its TypeScript source (tests, `npm run dev`), like store/worker-dev.mjs.
import { register } from 'tsx/esm/api'

register()
await import('./mirror-worker.ts')
