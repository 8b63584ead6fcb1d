import type {FastifyInstance, FastifyRequest, FastifyReply, RouteOptions} from 'fastify'
import fastifyMetrics from 'fastify-metrics'
import client, {Registry} from 'prom-client'
import type {Pool} from 'pg'
import {BrokerError} from '../errors.js'
import {sameSecret} from '../http/basic-auth.js'
import {awsCallFamilies} from './aws-calls.js'
import {jobDurationFamily, jobStateGauge} from './jobs.js'
import type {SharedCounters} from './shared-counters.js'

export interface MetricsOptions {
  token: string
  pool: Pool
  counters: SharedCounters
}

const UNUSED_SUMMARY = 'byo_s3_http_request_summary_seconds'

/**
 * GET /metrics in Prometheus' text format, for a scraper that sends the bearer token: request
 * latency by route pattern (never the raw URL, which holds add-on ids and team names), the jobs
 * and AWS calls of every broker process, and this process's memory and event loop. Register it
 * before the routes it measures. Its metrics live in a registry of their own rather than
 * prom-client's global one, so that several brokers can run in one process, as tests do.
 */
export async function metricsEndpoint(
  app: FastifyInstance,
  {token, pool, counters}: MetricsOptions,
): Promise<void> {
  const registry = new Registry()
  for (const family of [...awsCallFamilies(counters), jobDurationFamily(counters)]) {
    registry.registerMetric(family)
  }

  jobStateGauge(pool, registry)

  // fastify-metrics supplies the handler.
  const route: Omit<RouteOptions, 'handler'> = {
    method: 'GET',
    url: '/metrics',
    logLevel: 'warn',
    onRequest: bearerCheck(token),
  }

  await app.register(fastifyMetrics.default, {
    promClient: client,
    endpoint: route as RouteOptions,
    defaultMetrics: {enabled: true, register: registry, prefix: 'byo_s3_'},
    routeMetrics: {
      enabled: {histogram: true, summary: false},
      overrides: {
        histogram: {
          name: 'byo_s3_http_request_duration_seconds',
          help: 'How long the broker took to answer, by method, route pattern and status.',
          registers: [registry],
        },
        summary: {name: UNUSED_SUMMARY, registers: [registry]},
      },
    },
  })
  // fastify-metrics makes its summary even when told not to fill it; an empty family is noise.
  registry.removeSingleMetric(UNUSED_SUMMARY)
}

/** Compares the bearer token in constant time; a refusal names the scheme, as RFC 6750 asks. */
function bearerCheck(token: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    if (match && sameSecret(match[1], token)) return

    reply.header('www-authenticate', 'Bearer')
    throw new BrokerError(
      401,
      'unauthorized',
      "Missing or wrong metrics token. Send the broker's METRICS_TOKEN as Authorization: Bearer <token>.",
    )
  }
}
