import type {FastifyInstance} from 'fastify'
import {rotationOf, startRotation} from '../rotation/rotation.js'
import {scopeLog} from '../http/log-scope.js'
import type {Services} from '../services.js'
import {openableAddon} from '../sso/addon.js'
import type {DashboardSessions} from '../sso/session.js'
import {dashboardPage} from './page.js'
import {usageOf} from './usage.js'

/**
 * The add-on dashboard. The session cookie alone decides which add-on a request is about; no
 * add-on id is read from the URL or a form.
 */
export async function dashboard(
  app: FastifyInstance,
  {services, sessions}: {services: Services; sessions: DashboardSessions},
) {
  app.get('/dashboard', async (request, reply) => {
    const session = sessions.require(request)
    const addon = await openableAddon(services, session.addonId)
    scopeLog(request, {addonId: addon.id, teamId: addon.teamId})
    const [usage, rotation] = await Promise.all([
      usageOf(services, addon, request.log),
      rotationOf(services, addon.id),
    ])

    const page = dashboardPage({addon, usage, rotation, csrfToken: sessions.csrfToken(session)})
    return reply.type('text/html; charset=utf-8').send(page)
  })

  app.post<{Body: {csrf?: unknown} | undefined}>('/dashboard/rotate', async (request, reply) => {
    const session = sessions.require(request)
    sessions.checkCsrf(session, request.body?.csrf)
    const addon = await openableAddon(services, session.addonId)
    scopeLog(request, {addonId: addon.id, teamId: addon.teamId})

    await startRotation(services, addon.id)
    request.log.info({addonId: addon.id}, 'rotation started from the dashboard')
    return reply.redirect('/dashboard', 303)
  })
}
