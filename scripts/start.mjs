// `npm start`: build the screens and the server when they are missing or older than their
// sources, then run the kiosk in this process.
import { pathToFileURL } from 'node:url'
import { buildClient, buildServer, SERVER_BUNDLE } from './build.mjs'

await buildClient()
await buildServer()
await import(pathToFileURL(SERVER_BUNDLE).href)
