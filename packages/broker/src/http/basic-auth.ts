import {createHash, timingSafeEqual} from 'node:crypto'
import type {FastifyRequest} from 'fastify'
import {BrokerError} from '../errors.js'

/**
 * Checks Heroku's Basic credentials. Both parts are hashed and compared in constant time, and
 * both comparisons always run, so neither the length nor which part was wrong leaks.
 */
export function basicAuthCheck(username: string, password: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const [user, pass] = parseBasic(request.headers.authorization)
    const userMatches = sameSecret(user, username)
    const passwordMatches = sameSecret(pass, password)
    if (!(userMatches && passwordMatches)) {
      throw new BrokerError(401, 'unauthorized', 'Invalid add-on credentials.')
    }
  }
}

function parseBasic(header: string | undefined): [string, string] {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  if (!match) return ['', '']

  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? ['', ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)]
}

export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(given), digest(expected)) && expected.length > 0
}
