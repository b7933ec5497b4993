// Starts PostgreSQL's thread from its TypeScript source (tests, `npm run dev`), like worker-dev.mjs.
import { register } from 'tsx/esm/api'

register()
await import('./pg-worker.ts')
