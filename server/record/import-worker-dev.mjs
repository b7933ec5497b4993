// Starts the import thread from its TypeScript source (tests, `npm run dev`), like yjs/mirror-worker-dev.mjs.
import { register } from 'tsx/esm/api'

register()
await import('./import-worker.ts')
