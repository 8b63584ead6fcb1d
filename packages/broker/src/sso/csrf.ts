import {createHmac, timingSafeEqual} from 'node:crypto'
import {BrokerError} from '../errors.js'

/**
 * CSRF tokens for a browser session kept in a cookie: an HMAC of the session's random id, so a
 * form's token is valid only alongside that session's cookie and the broker stores nothing.
 */
export class CsrfTokens {
  constructor(
    private readonly key: Buffer,
    /** What a refused form is told to do next. */
    private readonly refusal: string,
  ) {}

  tokenFor(sessionId: string): string {
    return createHmac('sha256', this.key).update(sessionId).digest('base64url')
  }

  check(sessionId: string, given: unknown): void {
    const expected = Buffer.from(this.tokenFor(sessionId))
    const token = Buffer.from(typeof given === 'string' ? given : '')
    if (token.length !== expected.length || !timingSafeEqual(token, expected)) {
      throw new BrokerError(403, 'csrf_refused', this.refusal)
    }
  }
}
