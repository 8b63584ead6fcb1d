import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import type {FastifyInstance} from 'fastify'
import {adminPage} from '../admin-page/routes.js'
import type {Services} from '../services.js'
import {ssoLogin} from '../sso/routes.js'
import {DashboardSessions} from '../sso/session.js'
import {renderErrorsAsPages} from './errors.js'
import {addSecurityHeaders} from './headers.js'
import {dashboard} from './routes.js'

/**
 * What a browser sees: the SSO login, the dashboard and the admin page, with cookies, forms, HTML error pages
 * and security headers kept to this part of the broker.
 */
export async function dashboardSite(app: FastifyInstance, {services}: {services: Services}) {
  const sessions = new DashboardSessions(services.config)
  await app.register(fastifyCookie, {secret: sessions.signingKeys})
  await app.register(fastifyFormbody)
  addSecurityHeaders(app)
  renderErrorsAsPages(app)

  await app.register(ssoLogin, {services, sessions})
  await app.register(dashboard, {services, sessions})
  await app.register(adminPage, {services})
}
