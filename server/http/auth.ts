import type { NextFunction, Request, Response } from 'express'
import type { Kiosk } from '../context.ts'
import { remoteAddress, secretMatches } from '../guard.ts'

/** Facilitator calls carry `Authorization: Bearer <token>`; anything else is 401. */
export function requireFacilitator(kiosk: Kiosk) {
  return (req: Request, res: Response, next: NextFunction) => {
    const address = remoteAddress(req, kiosk.config.trustedProxies)
    if (!kiosk.authFailures.allowed(address)) {
      res.status(429).set('Retry-After', '60').json({ error: 'rate_limited' })
      return
    }
    const header = req.get('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    if (!match || !secretMatches(match[1]?.trim(), kiosk.token)) {
      // Only a wrong secret counts as a guess; a call without one is just not signed in.
      if (match) kiosk.authFailures.failed(address)
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized' })
      return
    }
    next()
  }
}
