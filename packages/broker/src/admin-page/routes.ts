import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'
import {accountOf, requireAdmin, teamOf} from '../admin-api/heroku-user.js'
import {
  bucketsOf,
  type LinkBody,
  linkOf,
  linksOf,
  linkTarget,
  linkTeam,
  unlinkTeam,
} from '../admin-api/links.js'
import {roleSetupOf} from '../admin-api/role-setup.js'
import {linkBody} from '../admin-api/routes.js'
import {verifyLink} from '../admin-api/verify.js'
import {renderErrorsAsPages} from '../dashboard/errors.js'
import {BrokerError, isBrokerError} from '../errors.js'
import {HerokuOAuth} from '../heroku/oauth.js'
import {scopeLog} from '../http/log-scope.js'
import type {Services} from '../services.js'
import {
  ADMIN_HELP,
  notConfiguredPage,
  signInPage,
  type TeamPageView,
  teamPage,
  teamsPage,
} from './page.js'
import {type AdminSession, AdminSessions} from './session.js'

/**
 * `global`, as the CLI's own token has: the page reads the user's account (`identity` alone
 * allows no more) and their teams with their role in each, which Heroku documents for neither
 * `identity` nor `read`. The token is only ever used to read, and lives an hour in the cookie.
 */
export const ADMIN_OAUTH_SCOPE = 'global'

const TEXT_HTML = 'text/html; charset=utf-8'

type TeamParams = {Params: {team: string}}
type Form = {csrf?: unknown}

const teamParams = {
  type: 'object',
  required: ['team'],
  properties: {team: {type: 'string', minLength: 1, maxLength: 100}},
}

// The admin API's checks of each field, so a form is held to the same rules as the CLI.
const linkForm = {
  type: 'object',
  properties: {
    csrf: {type: 'string'},
    accessKeyId: linkBody.properties.accessKeyId,
    secretAccessKey: linkBody.properties.secretAccessKey,
    roleArn: linkBody.properties.roleArn,
  },
}

const FIELD_HINTS: Record<string, string> = {
  accessKeyId:
    'An access key id is 16 to 128 capital letters and digits, like AKIAIOSFODNN7EXAMPLE.',
  secretAccessKey: 'A secret access key is 16 to 256 characters long. Paste it again.',
  roleArn: 'A role ARN looks like arn:aws:iam::111122223333:role/byo-s3/byo-s3-acme.',
}

/**
 * The admin page: what `heroku byo-s3:link`, `links`, `verify` and `buckets` do, for a team
 * admin in a browser, signed in with Heroku's OAuth web flow. Every rule comes from the admin
 * API's own functions; this module only reads forms and renders pages.
 */
export async function adminPage(app: FastifyInstance, {services}: {services: Services}) {
  const {config, platform} = services
  const sessions = new AdminSessions(config)
  renderErrorsAsPages(app, {help: ADMIN_HELP, 401: 'Sign in again'})

  const client = config.adminOAuth
  if (!client) {
    app.get('/admin', async (_request, reply) =>
      reply.status(503).type(TEXT_HTML).send(notConfiguredPage()),
    )
    return
  }

  const oauth = new HerokuOAuth(config.herokuIdUrl, client.clientSecret)

  async function signedIn(request: FastifyRequest): Promise<AdminSession> {
    const session = sessions.of(request)
    if (!session) throw signInAgain()
    return session
  }

  // Drops a session Heroku no longer honours, so the next page offers to sign in again.
  async function teamFor(session: AdminSession, reply: FastifyReply, name: string) {
    try {
      return await teamOf(platform, session.token, name)
    } catch (error) {
      if (isBrokerError(error) && error.status === 401) sessions.end(reply)
      throw error
    }
  }

  async function withCsrf(request: FastifyRequest<{Body: Form | undefined}>) {
    const session = await signedIn(request)
    sessions.checkCsrf(session, request.body?.csrf)
    return session
  }

  async function renderTeam(
    reply: FastifyReply,
    session: AdminSession,
    teamName: string,
    extra: Pick<TeamPageView, 'verification' | 'roleSetup'> = {},
  ) {
    const team = await teamFor(session, reply, teamName)
    const link = await linkOf(services, team).catch((error: unknown) => {
      if (isBrokerError(error) && error.id === 'not_linked') return null
      throw error
    })
    const admin = team.role === 'admin'
    const buckets = admin ? await bucketsOf(services, team) : undefined
    const page = teamPage({team, link, csrf: sessions.csrfToken(session), buckets, ...extra})
    return reply.type(TEXT_HTML).send(page)
  }

  app.get('/admin', async (request, reply) => {
    const session = sessions.of(request)
    if (!session) return reply.type(TEXT_HTML).send(signInPage())

    let account
    try {
      account = await accountOf(platform, session.token)
    } catch (error) {
      if (!isBrokerError(error) || error.status !== 401) throw error
      sessions.end(reply)
      return reply.type(TEXT_HTML).send(signInPage())
    }

    const teams = await linksOf(services, await platform.listTeams(session.token))
    return reply.type(TEXT_HTML).send(teamsPage(account.email, teams, sessions.csrfToken(session)))
  })

  app.get('/admin/auth/start', async (_request, reply) => {
    const url = new URL(`${config.herokuIdUrl}/oauth/authorize`)
    url.searchParams.set('client_id', client.clientId)
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('scope', ADMIN_OAUTH_SCOPE)
    url.searchParams.set('state', sessions.startSignIn(reply))
    return reply.redirect(url.toString(), 303)
  })

  app.get<{Querystring: {code?: string; state?: string; error?: string}}>(
    '/admin/auth/callback',
    async (request, reply) => {
      sessions.checkState(request, reply, request.query.state)
      const {code, error} = request.query
      if (error || !code) {
        throw new BrokerError(
          401,
          'sign_in_declined',
          'Heroku did not sign you in (the access was declined). Go to /admin to try again.',
        )
      }

      const tokens = await oauth.exchangeGrant(code).catch((cause: unknown) => {
        throw new BrokerError(
          401,
          'sign_in_failed',
          'Heroku did not accept the sign-in. Go to /admin and sign in again.',
          {cause},
        )
      })
      sessions.start(reply, tokens.accessToken)
      request.log.info('admin page session started')
      return reply.redirect('/admin', 303)
    },
  )

  app.post<{Body: Form | undefined}>('/admin/auth/sign-out', async (request, reply) => {
    await withCsrf(request)
    sessions.end(reply)
    return reply.redirect('/admin', 303)
  })

  app.get<TeamParams>(
    '/admin/team/:team',
    {schema: {params: teamParams}},
    async (request, reply) => {
      const session = await signedIn(request)
      return renderTeam(reply, session, request.params.team)
    },
  )

  app.post<TeamParams & {Body: (Form & LinkBody) | undefined}>(
    '/admin/team/:team/link',
    {
      schema: {params: teamParams, body: linkForm},
      attachValidation: true,
      // A form sends its empty fields as empty strings; they were not filled in.
      preValidation: async (request) => {
        const body = request.body as Record<string, unknown> | undefined
        for (const [name, value] of Object.entries(body ?? {})) {
          if (typeof value === 'string' && value.trim() === '') delete body![name]
          else if (typeof value === 'string' && name !== 'secretAccessKey')
            body![name] = value.trim()
        }
      },
    },
    async (request, reply) => {
      const session = await withCsrf(request)
      const field = request.validationError?.validation[0]?.instancePath.slice(1)
      if (request.validationError) {
        throw new BrokerError(422, 'invalid_form', FIELD_HINTS[field ?? ''] ?? 'Check the form.')
      }

      const {accessKeyId, secretAccessKey, roleArn} = request.body ?? {}
      const team = await teamFor(session, reply, request.params.team)
      scopeLog(request, {teamId: team.id})
      requireAdmin(team, 'link it to AWS')
      const target = linkTarget({accessKeyId, secretAccessKey, roleArn})
      const account = await accountOf(platform, session.token)
      await linkTeam(services, {team, account, ...target})
      request.log.info({teamId: team.id}, 'team linked from the admin page')
      return reply.redirect(`/admin/team/${encodeURIComponent(team.name)}`, 303)
    },
  )

  app.post<TeamParams & {Body: Form | undefined}>(
    '/admin/team/:team/unlink',
    {schema: {params: teamParams}},
    async (request, reply) => {
      const session = await withCsrf(request)
      const team = await teamFor(session, reply, request.params.team)
      scopeLog(request, {teamId: team.id})
      requireAdmin(team, 'unlink it from AWS')
      await unlinkTeam(services, team)
      request.log.info({teamId: team.id}, 'team unlinked from the admin page')
      return reply.redirect(`/admin/team/${encodeURIComponent(team.name)}`, 303)
    },
  )

  app.post<TeamParams & {Body: Form | undefined}>(
    '/admin/team/:team/verify',
    {schema: {params: teamParams}},
    async (request, reply) => {
      const session = await withCsrf(request)
      const team = await teamFor(session, reply, request.params.team)
      scopeLog(request, {teamId: team.id})
      requireAdmin(team, 'verify its link')
      const verification = await verifyLink(services, team)
      return renderTeam(reply, session, team.name, {verification})
    },
  )

  app.post<TeamParams & {Body: Form | undefined}>(
    '/admin/team/:team/role-setup',
    {schema: {params: teamParams}},
    async (request, reply) => {
      const session = await withCsrf(request)
      const team = await teamFor(session, reply, request.params.team)
      scopeLog(request, {teamId: team.id})
      requireAdmin(team, 'set up a role for it')
      const roleSetup = await roleSetupOf(services, team, {})
      return renderTeam(reply, session, team.name, {roleSetup})
    },
  )
}

function signInAgain(): BrokerError {
  return new BrokerError(
    401,
    'no_session',
    'Your sign-in has ended, or this browser never signed in. Go to /admin and sign in with Heroku.',
  )
}
