import {randomBytes, timingSafeEqual} from 'node:crypto'
import type {CookieSerializeOptions} from '@fastify/cookie'
import type {FastifyReply, FastifyRequest} from 'fastify'
import type {Config} from '../config/config.js'
import {KeyRing} from '../crypto/key-ring.js'
import {BrokerError} from '../errors.js'
import {CsrfTokens} from '../sso/csrf.js'

/** How long an /admin sign-in lasts; the Heroku token inside is worth no more than this. */
export const ADMIN_SESSION_SECONDS = 60 * 60
/** Long enough to sign in at Heroku, short enough that a stolen `state` is soon worthless. */
const STATE_SECONDS = 10 * 60

export interface AdminSession {
  /** The user's Heroku token: lives only in this sealed cookie, never stored or logged. */
  token: string
  /** Unix seconds; checked here, not left to the browser's cookie expiry. */
  expiresAt: number
  /** Random; the session's CSRF token is derived from it. */
  id: string
}

/**
 * /admin sign-ins. The Heroku token is kept in the browser alone, in a cookie sealed with Fernet
 * under a key derived for this use only, so that no other sealed value of the broker could pass
 * for a session. The OAuth `state` rides in a signed cookie of its own, bound to the browser
 * that started the sign-in.
 */
export class AdminSessions {
  readonly cookieName: string
  readonly stateCookieName: string
  readonly cookieOptions: CookieSerializeOptions
  readonly #sealer: KeyRing
  readonly #csrf: CsrfTokens

  constructor(config: Pick<Config, 'production' | 'keyRing'>) {
    this.#sealer = new KeyRing(
      config.keyRing.derivedKeys('admin session').map((key) => key.toString('base64url')),
    )
    this.#csrf = new CsrfTokens(
      config.keyRing.derivedKeys('admin csrf')[0],
      'This form has expired or did not come from the byo-s3 admin page. Reload /admin and try again.',
    )
    const prefix = config.production ? '__Host-' : ''
    this.cookieName = `${prefix}byo-s3-admin`
    this.stateCookieName = `${prefix}byo-s3-admin-state`
    this.cookieOptions = {
      httpOnly: true,
      // Local runs serve plain http, where a browser would drop a Secure cookie.
      secure: config.production,
      // Lax: the cookies come along when Heroku sends the browser back to the callback.
      sameSite: 'lax',
      path: '/',
      maxAge: ADMIN_SESSION_SECONDS,
    }
  }

  /** A fresh `state` for the authorize URL, remembered in this browser only. */
  startSignIn(reply: FastifyReply): string {
    const state = randomBytes(24).toString('base64url')
    reply.setCookie(this.stateCookieName, state, {
      ...this.cookieOptions,
      signed: true,
      maxAge: STATE_SECONDS,
    })
    return state
  }

  /** Refuses a callback whose `state` is not the one this browser was sent off with. */
  checkState(request: FastifyRequest, reply: FastifyReply, given: unknown): void {
    const cookie = request.cookies[this.stateCookieName]
    reply.clearCookie(this.stateCookieName, {path: '/'})
    const unsigned = cookie ? request.unsignCookie(cookie) : null
    const expected = Buffer.from(unsigned?.valid && unsigned.value ? unsigned.value : '')
    const state = Buffer.from(typeof given === 'string' ? given : '')
    if (
      expected.length === 0 ||
      state.length !== expected.length ||
      !timingSafeEqual(state, expected)
    ) {
      throw new BrokerError(
        403,
        'state_refused',
        'This sign-in did not start in this browser, or took too long. Go to /admin and sign in again.',
      )
    }
  }

  start(reply: FastifyReply, token: string, now = Date.now()): AdminSession {
    const session = {
      token,
      expiresAt: Math.floor(now / 1000) + ADMIN_SESSION_SECONDS,
      id: randomBytes(16).toString('base64url'),
    }
    reply.setCookie(this.cookieName, this.#sealer.seal(JSON.stringify(session)), this.cookieOptions)
    return session
  }

  end(reply: FastifyReply): void {
    reply.clearCookie(this.cookieName, {path: '/'})
  }

  /** The request's session, or null when it has none, a forged one or an expired one. */
  of(request: FastifyRequest, now = Date.now()): AdminSession | null {
    const cookie = request.cookies[this.cookieName]
    if (!cookie) return null

    let session: Partial<AdminSession>
    try {
      session = JSON.parse(this.#sealer.unseal(cookie)) as Partial<AdminSession>
    } catch {
      return null
    }

    const {token, expiresAt, id} = session
    if (typeof token !== 'string' || typeof expiresAt !== 'number' || typeof id !== 'string') {
      return null
    }

    return expiresAt * 1000 > now ? {token, expiresAt, id} : null
  }

  csrfToken(session: AdminSession): string {
    return this.#csrf.tokenFor(session.id)
  }

  checkCsrf(session: AdminSession, given: unknown): void {
    this.#csrf.check(session.id, given)
  }
}
