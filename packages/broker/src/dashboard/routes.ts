import type {FastifyInstance} from 'fastify'
import type {Services} from '../services.js'
import {openableAddon} from '../sso/addon.js'
import type {DashboardSessions} from '../sso/session.js'
import {html} from './html.js'
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
    const usage = await usageOf(services, addon, request.log)

    const page = dashboardPage({
      addon,
      usage,
      rotation: html``,
      refreshSeconds: addon.state === 'provisioning' ? 10 : undefined,
    })
    return reply.type('text/html; charset=utf-8').send(page)
  })
}
