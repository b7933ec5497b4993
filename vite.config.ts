import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const repo = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

/**
 * One HTML entry per screen, so each page gets its own bundle: the phone's must stay free of
 * Yjs (it only speaks Socket.io) to load fast on a crowded room's Wi-Fi.
 */
export default defineConfig({
  root: repo('./client'),
  base: '/',
  plugins: [svelte()],
  // shared/ lives outside the client root; the dev server (Vite in Express) must still serve it.
  server: { fs: { allow: [repo('.')] } },
  build: {
    outDir: repo('./dist/client'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    rolldownOptions: {
      input: {
        phone: repo('./client/phone.html'),
        board: repo('./client/board.html'),
        console: repo('./client/console.html'),
      },
    },
  },
})
