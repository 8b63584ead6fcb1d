import type {FastifyInstance, FastifyRequest} from 'fastify'
import {scopeLogToAddon} from '../http/log-scope.js'
import {rotationOf, startRotation} from '../rotation/rotation.js'
import type {Services} from '../services.js'
import {addonCaller} from './addon-sso.js'

const nullableString = {type: ['string', 'null']}
const rotationView = {
  type: 'object',
  properties: {
    addonId: {type: 'string'},
    accessKeyId: nullableString,
    state: {type: 'string'},
    previousAccessKeyId: nullableString,
    previousKeyDeletesAt: nullableString,
    startedAt: nullableString,
    finishedAt: nullableString,
    failureReason: nullableString,
  },
}
const params = {
  type: 'object',
  required: ['id'],
  properties: {id: {type: 'string', format: 'uuid'}},
}

type AddonParams = {Params: {id: string}}

/**
 * Commands about one add-on, called by the byo-s3 CLI plugin on behalf of anyone who can open
 * the add-on from Heroku. Every response has a schema: it is the allow-list that keeps secrets
 * out of replies.
 */
export async function addonApi(app: FastifyInstance, {services}: {services: Services}) {
  // Checked before anything else, the add-on id in the path included.
  app.addHook('onRequest', async (request) => {
    addonCaller(request, services.config.ssoSalt, idOf(request))
  })
  app.addHook('preHandler', (request) => scopeLogToAddon(request, services.pool, idOf(request)))

  app.get<AddonParams>(
    '/addons/:id/credentials',
    {schema: {params, response: {200: rotationView}}},
    (request) => rotationOf(services, request.params.id),
  )

  app.post<AddonParams>(
    '/addons/:id/credentials/rotate',
    {schema: {params, response: {200: rotationView, 202: rotationView}}},
    async (request, reply) => {
      const {addonId, userId} = addonCaller(request, services.config.ssoSalt, request.params.id)
      // 202 for a rotation started now, 200 for the one already running (or in its overlap).
      const running = ['rotating', 'overlap'].includes((await rotationOf(services, addonId)).state)
      const view = await startRotation(services, addonId)
      request.log.info({addonId, userId, state: view.state}, 'credential rotation requested')
      return reply.status(running ? 200 : 202).send(view)
    },
  )
}

function idOf(request: FastifyRequest): string {
  return (request.params as {id?: string}).id ?? ''
}
