// `npm run dev`: the kiosk with Vite's middleware for hot reload of the screens.
import { register } from 'tsx/esm/api'

process.argv.push('--dev')
register()
await import('../server/main.ts')
