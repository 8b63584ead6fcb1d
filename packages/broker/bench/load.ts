/*
 * The load generator: autocannon in a child process of its own (see child.ts), so its work does
 * not run on the broker's event loop. Command `run` posts `amount` provision requests over
 * `connections` keep-alive connections, each a new add-on with its own uuid and grant code.
 */
import autocannon from 'autocannon'
import {serveParent} from './child.js'
import {provisionBody} from './fixtures.js'

export interface LoadOptions {
  url: string
  herokuApiUrl: string
  authorization: string
  connections: number
  amount: number
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
    amount: options.amount,
    timeout: 30,
    headers: {
      authorization: options.authorization,
      'content-type': 'application/json',
      accept: 'application/vnd.heroku-addons+json; version=3',
    },
    requests: [
      {
        method: 'POST',
        path: '/heroku/resources',
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify(provisionBody(options.herokuApiUrl)),
        }),
      },
    ],
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

serveParent({run, cpu: () => process.cpuUsage()}, {pid: process.pid})
