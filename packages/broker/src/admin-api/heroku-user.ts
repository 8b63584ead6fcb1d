import type {FastifyRequest} from 'fastify'
import {BrokerError} from '../errors.js'
import {HerokuApiError} from '../heroku/http.js'
import type {Account, HerokuPlatform, Team} from '../heroku/platform.js'

/**
 * Who is calling the admin API: the Heroku user whose token came in the Authorization header.
 * The token is used for these Platform API calls only; it is never stored or logged.
 */
export function bearerToken(request: FastifyRequest): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  if (!match) {
    throw new BrokerError(
      401,
      'missing_token',
      'Send your Heroku token as a Bearer token; run heroku login first.',
    )
  }

  return match[1]
}

export async function accountOf(platform: HerokuPlatform, token: string): Promise<Account> {
  try {
    return await platform.getAccount(token)
  } catch (error) {
    if (error instanceof HerokuApiError && error.status === 401) {
      throw new BrokerError(
        401,
        'invalid_heroku_token',
        'Heroku did not accept your token. Run heroku login and try again.',
      )
    }

    throw error
  }
}

/** The team as the caller sees it; `role` is the caller's role in it. */
export async function teamOf(platform: HerokuPlatform, token: string, team: string): Promise<Team> {
  try {
    return await platform.getTeam(token, team)
  } catch (error) {
    if (error instanceof HerokuApiError && error.status >= 400 && error.status < 500) {
      throw new BrokerError(
        404,
        'team_not_found',
        `No team named ${team} is visible to you. Check the name with heroku teams.`,
      )
    }

    throw error
  }
}

export function requireAdmin(team: Team, action: string): void {
  if (team.role === 'admin') return

  throw new BrokerError(
    403,
    'not_team_admin',
    `Only admins of team ${team.name} can ${action}; your role is ${team.role ?? 'none'}. ` +
      'Ask a team admin to run this command.',
  )
}
