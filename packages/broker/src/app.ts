import fastifyPostgres from '@fastify/postgres'
import Fastify, {type FastifyInstance} from 'fastify'
import type {FastifyBaseLogger as Logger} from 'fastify'
import {adminApi} from './admin-api/routes.js'
import {createAwsClients} from './aws/clients.js'
import type {Config} from './config/config.js'
import {health} from './health.js'
import {HerokuOAuth} from './heroku/oauth.js'
import {HerokuPlatform} from './heroku/platform.js'
import {acceptHerokuJson} from './http/content-types.js'
import {handleErrors} from './http/error-handler.js'
import {partnerApi} from './partner-api/routes.js'
import type {Services} from './services.js'

export interface AppOptions {
  config: Config
  databaseUrl: string
  logger: Logger
}

/**
 * Builds the broker: one Fastify instance with the Partner API, the admin API and the health
 * check, over one PostgreSQL pool. `server.ts` starts it; tests build it and `inject` requests.
 */
export async function buildApp({
  config,
  databaseUrl,
  logger,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    requestIdHeader: 'x-request-id',
    // Heroku's router cuts requests at 30 s; answer (or fail) before it does.
    requestTimeout: 25_000,
    ajv: {customOptions: {removeAdditional: false}},
  })

  await app.register(fastifyPostgres, {connectionString: databaseUrl, max: 10})
  // pg.Pool emits 'error' when an idle client loses its server; without a listener that event
  // would crash the process.
  app.pg.pool.on('error', (error) => app.log.warn({err: error}, 'idle database client failed'))

  const aws = createAwsClients({...config.aws, timeoutMs: 10_000})
  app.addHook('onClose', async () => aws.destroy())

  const services: Services = {
    config,
    pool: app.pg.pool,
    oauth: new HerokuOAuth(config.herokuIdUrl, config.oauthClientSecret),
    platform: new HerokuPlatform(config.herokuApiUrl),
    aws,
  }

  acceptHerokuJson(app)
  handleErrors(app)
  await app.register(health, {pool: services.pool})
  await app.register(partnerApi, {services})
  await app.register(adminApi, {services})
  return app
}
