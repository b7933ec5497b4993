import type { NextFunction, Request, Response } from 'express'
import type { Kiosk } from '../context.ts'
import { secretMatches } from '../guard.ts'

/** Facilitator calls carry `Authorization: Bearer <token>`; anything else is 401. */
export function requireFacilitator(kiosk: Kiosk) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    if (!match || !secretMatches(match[1]?.trim(), kiosk.token)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized' })
      return
    }
    next()
  }
}
