import {randomBytes} from 'node:crypto'
import type {CookieSerializeOptions} from '@fastify/cookie'
import type {FastifyReply, FastifyRequest} from 'fastify'
import type {Config} from '../config/config.js'
import {BrokerError} from '../errors.js'
import {CsrfTokens} from './csrf.js'

/** How long a dashboard session lasts; opening the add-on from Heroku again starts a new one. */
export const SESSION_SECONDS = 2 * 60 * 60

/**
 * A dashboard session. It grants access to one add-on, whichever Heroku user signed in: anyone
 * Heroku lets open the add-on may see it, and nothing else.
 */
export interface DashboardSession {
  addonId: string
  /** Unix seconds; checked here, not left to the browser's cookie expiry. */
  expiresAt: number
  /** Random; the session's CSRF token is derived from it. */
  id: string
}

const VALUE_PATTERN =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,12})\.([\w-]{22})$/

/**
 * Dashboard sessions live in a signed cookie (`@fastify/cookie`, HMAC-SHA256), so the broker
 * keeps no session state. The signing keys and the CSRF key are derived from the Fernet keys;
 * putting a new Fernet key first ends every session signed with the old one only once the old
 * key leaves the list.
 */
export class DashboardSessions {
  /** Current first: what `@fastify/cookie` signs with and checks against. */
  readonly signingKeys: Buffer[]
  readonly cookieName: string
  readonly cookieOptions: CookieSerializeOptions & {signed: true}
  readonly #csrf: CsrfTokens

  constructor(config: Pick<Config, 'production' | 'keyRing'>) {
    this.signingKeys = config.keyRing.derivedKeys('dashboard session')
    this.#csrf = new CsrfTokens(
      config.keyRing.derivedKeys('dashboard csrf')[0],
      'This form has expired or did not come from the dashboard. Reload the dashboard and try again.',
    )
    // Browsers keep a `__Host-` cookie only if it is Secure, for Path=/ and for this host alone.
    this.cookieName = config.production ? '__Host-byo-s3-session' : 'byo-s3-session'
    this.cookieOptions = {
      signed: true,
      httpOnly: true,
      // Local runs serve plain http, where a browser would drop a Secure cookie.
      secure: config.production,
      sameSite: 'lax',
      path: '/',
      maxAge: SESSION_SECONDS,
    }
  }

  start(reply: FastifyReply, addonId: string, now = Date.now()): DashboardSession {
    const session = {
      addonId,
      expiresAt: Math.floor(now / 1000) + SESSION_SECONDS,
      id: randomBytes(16).toString('base64url'),
    }
    const value = `${session.addonId}.${session.expiresAt}.${session.id}`
    reply.setCookie(this.cookieName, value, this.cookieOptions)
    return session
  }

  /** The request's session, or null when it has none, a forged one or an expired one. */
  of(request: FastifyRequest, now = Date.now()): DashboardSession | null {
    const cookie = request.cookies[this.cookieName]
    if (!cookie) return null

    const {valid, value} = request.unsignCookie(cookie)
    const match = valid && value !== null ? VALUE_PATTERN.exec(value) : null
    if (!match) return null

    const session = {addonId: match[1], expiresAt: Number(match[2]), id: match[3]}
    return session.expiresAt * 1000 > now ? session : null
  }

  require(request: FastifyRequest): DashboardSession {
    const session = this.of(request)
    if (!session) {
      throw new BrokerError(
        401,
        'no_session',
        'Your dashboard session has ended, or this browser never had one. Open the add-on from Heroku again.',
      )
    }

    return session
  }

  /** The token the dashboard's forms carry: valid only with this session's cookie. */
  csrfToken(session: DashboardSession): string {
    return this.#csrf.tokenFor(session.id)
  }

  checkCsrf(session: DashboardSession, given: unknown): void {
    this.#csrf.check(session.id, given)
  }
}
