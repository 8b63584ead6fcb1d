import type {FastifyInstance} from 'fastify'
import {basicAuthCheck} from '../http/basic-auth.js'
import {scopeLogToAddon} from '../http/log-scope.js'
import {acceptDeprovision} from '../provisioning/deprovision-request.js'
import {acceptProvision, type ProvisionRequest} from '../provisioning/provision-request.js'
import {acceptPlanChange} from '../plans/plan-change.js'
import type {Services} from '../services.js'

const uuid = {type: 'string', format: 'uuid'}

const provisionSchema = {
  body: {
    type: 'object',
    required: ['uuid'],
    properties: {
      uuid,
      name: {type: 'string'},
      plan: {type: 'string'},
      region: {type: 'string'},
      options: {type: ['object', 'null']},
      oauth_grant: {
        anyOf: [
          {type: 'null'},
          {type: 'object', required: ['code'], properties: {code: {type: 'string'}}},
        ],
      },
    },
  },
  response: {
    '2xx': {
      type: 'object',
      properties: {
        id: {type: 'string'},
        message: {type: 'string'},
      },
    },
  },
}

const byId = {params: {type: 'object', properties: {id: uuid}, required: ['id']}}

/** Heroku's Add-on Partner API v3: provision, plan change and deprovision. */
export async function partnerApi(app: FastifyInstance, {services}: {services: Services}) {
  app.addHook('onRequest', basicAuthCheck(services.config.addonId, services.config.addonPassword))
  app.addHook('preHandler', async (request) => {
    const {params, body} = request as {params?: {id?: string}; body?: {uuid?: string}}
    await scopeLogToAddon(request, services.pool, params?.id ?? body?.uuid)
  })

  app.post<{Body: ProvisionRequest}>(
    '/heroku/resources',
    {schema: provisionSchema},
    async (request, reply) => {
      const result = await acceptProvision(services, request.body, request.log)
      // A first request has just made the add-on, and learnt its team.
      await scopeLogToAddon(request, services.pool, request.body.uuid)
      return reply.status(result.status).send(result.body)
    },
  )

  app.put<{Params: {id: string}; Body: {plan: string}}>(
    '/heroku/resources/:id',
    {
      schema: {
        ...byId,
        body: {type: 'object', required: ['plan'], properties: {plan: {type: 'string'}}},
        response: {200: {type: 'object', properties: {message: {type: 'string'}}}},
      },
    },
    async (request) =>
      acceptPlanChange(services, request.params.id, request.body.plan, request.log),
  )

  app.delete<{Params: {id: string}}>(
    '/heroku/resources/:id',
    {schema: byId},
    async (request, reply) => {
      await acceptDeprovision(services, request.params.id, request.log)
      return reply.status(204).send()
    },
  )
}
