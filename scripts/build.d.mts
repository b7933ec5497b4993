export function buildClient(options?: { force?: boolean; quiet?: boolean }): Promise<void>
export function buildServer(options?: { force?: boolean }): Promise<void>
export const SERVER_BUNDLE: string
export const KIOSK_NODE_FLAGS: string[]
export const KIOSK_ARGS: string[]
