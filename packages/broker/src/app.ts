import fastifyPostgres from '@fastify/postgres'
import Fastify, {type FastifyInstance} from 'fastify'
import type {FastifyBaseLogger as Logger} from 'fastify'
import {addonApi} from './addon-api/routes.js'
import {adminApi} from './admin-api/routes.js'
import {createAwsClients} from './aws/clients.js'
import type {Config} from './config/config.js'
import {dashboardSite} from './dashboard/site.js'
import {health} from './health.js'
import {HerokuOAuth} from './heroku/oauth.js'
import {HerokuPlatform} from './heroku/platform.js'
import {acceptHerokuJson} from './http/content-types.js'
import {handleErrors, replyToError} from './http/error-handler.js'
import {logCompletionInScope} from './http/log-scope.js'
import {isAdminShutdown, JobQueue, type JobQueueOptions} from './jobs/queue.js'
import {startWorkers} from './jobs/workers.js'
import {awsCallCounter} from './metrics/aws-calls.js'
import {metricsEndpoint} from './metrics/endpoint.js'
import {jobRunTimer} from './metrics/jobs.js'
import {SharedCounters} from './metrics/shared-counters.js'
import {partnerApi} from './partner-api/routes.js'
import type {Services} from './services.js'
import {findResource} from './storage/resources.js'
import {UUID} from './http/uuid.js'

export interface AppOptions {
  config: Config
  databaseUrl: string
  logger: Logger
  /** Also work the job queues in this process (`npm start` does; a web-only dyno does not). */
  workers?: boolean
  /** How often an idle worker looks for jobs. */
  pollingIntervalSeconds?: number
  /** Test seams: a shorter wait for new keys, and a hook after each job step. */
  overrides?: Pick<Services, 'readiness' | 'hooks'>
  /** Shorter job retries and expiry, for tests that run jobs through failures. */
  jobTiming?: JobQueueOptions['timing']
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
  }
}

/**
 * Builds the broker: one Fastify instance with the Partner API, the admin API, the SSO
 * dashboard and the health check, over one PostgreSQL pool, plus the job queue (and, when
 * asked, its workers).
 * `server.ts` starts it; tests build it and `inject` requests.
 */
export async function buildApp({
  config,
  databaseUrl,
  logger,
  workers = false,
  pollingIntervalSeconds,
  overrides = {},
  jobTiming,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger,
    requestIdHeader: 'x-request-id',
    // Heroku's router cuts requests at 30 s; answer (or fail) before it does.
    requestTimeout: 25_000,
    ajv: {
      customOptions: {removeAdditional: false},
      // Ajv's own uuid format also takes `urn:uuid:…`, which PostgreSQL's uuid type refuses.
      onCreate: (ajv) => ajv.addFormat('uuid', UUID),
    },
    frameworkErrors: replyToError,
  })

  await app.register(fastifyPostgres, {connectionString: databaseUrl, max: 10})
  // pg.Pool emits 'error' when an idle client loses its server; without a listener that event
  // would crash the process.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.pg.pool.on('error', (error) => {
    if (closing && isAdminShutdown(error)) app.log.debug({err: error}, 'database closed')
    else app.log.warn({err: error}, 'idle database client failed')
  })

  // Without a metrics token nothing is counted, in this process or any other.
  const counters = config.metricsToken ? new SharedCounters(app.pg.pool, app.log) : undefined
  if (counters) {
    counters.start()
    // Fastify runs onClose hooks last registered first: this one after the jobs have stopped.
    app.addHook('onClose', () => counters.stop())
  }

  const aws = createAwsClients({
    ...config.aws,
    timeoutMs: 10_000,
    observeCall: counters && awsCallCounter(counters),
  })
  app.addHook('onClose', async () => aws.destroy())

  const jobs = new JobQueue(databaseUrl, app.log, {
    teamOf: async (addonId) => (await findResource(app.pg.pool, addonId))?.teamId,
    observeRun: counters && jobRunTimer(counters),
    timing: jobTiming,
  })
  await jobs.start()
  app.addHook('onClose', () => jobs.stop())

  const services: Services = {
    config,
    pool: app.pg.pool,
    oauth: new HerokuOAuth(config.herokuIdUrl, config.oauthClientSecret),
    platform: new HerokuPlatform(config.herokuApiUrl),
    aws,
    jobs,
    ...overrides,
  }
  app.decorate('services', services)
  if (workers) await startWorkers(services, jobs, pollingIntervalSeconds)

  acceptHerokuJson(app)
  handleErrors(app)
  logCompletionInScope(app)
  if (config.metricsToken && counters) {
    await metricsEndpoint(app, {token: config.metricsToken, pool: services.pool, counters})
  }

  await app.register(health, {pool: services.pool})
  await app.register(partnerApi, {services})
  await app.register(adminApi, {services})
  await app.register(addonApi, {services})
  await app.register(dashboardSite, {services})
  return app
}
