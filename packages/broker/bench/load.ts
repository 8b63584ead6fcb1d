/*
 * The load generator: autocannon in a child process of its own (see child.ts), so its work does
 * not run on the broker's event loop. Command `run` sends `amount` requests, or as many as fit
 * in `durationSeconds`, over `connections` keep-alive connections: provision requests, each a
 * new add-on with its own uuid and grant code, or SSO logins to `resourceId`, each with a token
 * signed for the current second with the bench's salt, as Heroku's redirector posts them.
 */
import autocannon from 'autocannon'
import {serveParent} from './child.js'
import {ssoToken} from '../src/sso/token.js'
import {provisionBody, SSO_SALT, USER} from './fixtures.js'

export interface LoadOptions {
  url: string
  herokuApiUrl: string
  authorization: string
  connections: number
  amount?: number
  durationSeconds?: number
  /** Provision requests unless `sso`, which needs the id of a provisioned add-on. */
  request?: 'provision' | 'sso'
  resourceId?: string
}

export interface LoadResult {
  requests: number
  durationSeconds: number
  latencyMs: {mean: number; p50: number; p90: number; p99: number; max: number}
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
  cpu: NodeJS.CpuUsage
}

async function run(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount === undefined
      ? {duration: options.durationSeconds}
      : {amount: options.amount}),
    timeout: 30,
    headers: {
      authorization: options.authorization,
      'content-type': 'application/json',
      accept: 'application/vnd.heroku-addons+json; version=3',
    },
    requests: [options.request === 'sso' ? ssoLogin(options.resourceId!) : provision(options)],
  })
  const {latency} = result
  return {
    requests: result.requests.total,
    durationSeconds: result.duration,
    latencyMs: {
      mean: latency.mean,
      p50: latency.p50,
      p90: latency.p90,
      p99: latency.p99,
      max: latency.max,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, {count}]) => [code, count ?? 0]),
    ),
    cpu: process.cpuUsage(),
  }
}

function provision(options: LoadOptions): autocannon.Request {
  return {
    method: 'POST',
    path: '/heroku/resources',
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify(provisionBody(options.herokuApiUrl)),
    }),
  }
}

function ssoLogin(resourceId: string): autocannon.Request {
  return {
    method: 'POST',
    path: '/sso/login',
    setupRequest: (request) => {
      const timestamp = String(Math.floor(Date.now() / 1000))
      const form = new URLSearchParams({
        resource_id: resourceId,
        resource_token: ssoToken(resourceId, SSO_SALT, timestamp),
        timestamp,
        email: USER.account.email,
        user_id: USER.account.id,
        app: 'bench-shop',
      })
      return {
        ...request,
        headers: {...request.headers, 'content-type': 'application/x-www-form-urlencoded'},
        body: form.toString(),
      }
    },
  }
}

serveParent({run, cpu: () => process.cpuUsage()}, {pid: process.pid})
