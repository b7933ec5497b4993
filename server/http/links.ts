import { PATHS, type SessionLinks } from '../../shared/protocol.ts'
import type { Kiosk } from '../context.ts'
import type { SessionRow } from '../store/store.ts'

/** The three URLs of a session, on the kiosk's public base. */
export function sessionLinks(kiosk: Kiosk, row: SessionRow): SessionLinks {
  const base = kiosk.publicBase()
  return {
    id: row.id,
    joinUrl: `${base}${PATHS.join(row.id)}`,
    boardUrl: `${base}${PATHS.board(row.id)}?key=${encodeURIComponent(row.boardKey)}`,
    facilitatorUrl: `${base}${PATHS.facilitator(row.id)}?token=${encodeURIComponent(kiosk.token)}`,
  }
}
