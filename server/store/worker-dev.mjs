// Starts the writer thread from its TypeScript source (tests, `npm run dev`): a worker does not
// inherit the tsx loader of the thread that made it on Node 20, so it registers its own.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
