import type {FastifyInstance} from 'fastify'
import {scopeLog} from '../http/log-scope.js'
import type {Services} from '../services.js'
import {openableAddon} from './addon.js'
import type {DashboardSessions} from './session.js'
import {type SsoParams, verifySso} from './token.js'

/**
 * The manifest's `sso_url`: Heroku's redirector posts a signed form here when a user opens the
 * add-on. A valid form starts a dashboard session for that add-on and sends the browser on.
 */
export async function ssoLogin(
  app: FastifyInstance,
  {services, sessions}: {services: Services; sessions: DashboardSessions},
) {
  app.post<{Body: SsoParams | undefined}>('/sso/login', async (request, reply) => {
    const {resourceId, userId} = verifySso(request.body ?? {}, services.config.ssoSalt)
    const addon = await openableAddon(services, resourceId)
    scopeLog(request, {addonId: addon.id, teamId: addon.teamId})

    sessions.start(reply, addon.id)
    request.log.info({addonId: addon.id, herokuUserId: userId}, 'dashboard session started')
    return reply.redirect('/dashboard', 303)
  })
}
