/*
 * The failures the fault suite makes the loopback stub serve: AWS throttling and 5xx answers and
 * answers lost after AWS did the work (a fifth of the faults), and Heroku 5xx answers and cut
 * connections on the Platform API calls the jobs make. Whether a request fails depends only on
 * the seed, the request's target and how often that target was asked before, never on the order
 * concurrent jobs happen to run in, so a seed replays the same faults for every add-on (S3's
 * draws also depend on the random suffix of each bucket's name).
 */
import {createHash} from 'node:crypto'
import type {Call, Fault} from '../../bench/stub.js'
import {queryError, s3Error} from '../helpers/aws-xml.js'

const SIGNING_SCOPE = /Credential=[^/]+\/\d{8}\/[^/]+\/([a-z0-9-]+)\/aws4_request/

/** The Platform API calls that may fail: the grant exchange, config PATCH and provision action. */
const HEROKU_TARGETS: [string, RegExp][] = [
  ['POST /oauth/token', /^\/oauth\/token$/],
  ['PATCH /addons/:id/config', /^\/addons\/[^/]+\/config$/],
  ['POST /addons/:id/actions/provision', /^\/addons\/[^/]+\/actions\/provision$/],
]

export interface FaultPlan {
  seed: string
  /** The share of AWS calls that fail, 0 to 1. */
  awsRate: number
  /** The share of the Heroku calls above that fail. */
  herokuRate: number
}

export function faultInjector({seed, awsRate, herokuRate}: FaultPlan) {
  const asked = new Map<string, number>()
  // A number in [0, 1) drawn from the seed and the n-th request for one target.
  const draw = (target: string): number => {
    const n = (asked.get(target) ?? 0) + 1
    asked.set(target, n)
    const digest = createHash('sha256').update(`${seed}\n${target}\n${n}`).digest()
    return digest.readUInt32BE(0) / 2 ** 32
  }

  return (call: Call): Fault | undefined => {
    const [, service] = SIGNING_SCOPE.exec(call.headers.authorization ?? '') ?? []
    if (service === 's3') {
      const roll = draw(`s3 ${call.method} ${call.url.pathname}${call.url.search}`)
      if (roll >= awsRate) return undefined

      if (roll >= awsRate * 0.8) return {operation: 'fault lost', lost: true}

      const [status, code] = roll < awsRate * 0.4 ? [503, 'SlowDown'] : [500, 'InternalError']
      const body = s3Error(code, 'Injected by the fault suite')
      return {operation: `fault s3:${code}`, answer: {status, body, type: 'application/xml'}}
    }

    if (service === 'iam' || service === 'sts') {
      const params = new URLSearchParams(call.body)
      const roll = draw(`${service} ${params.get('Action')} ${params.get('UserName') ?? ''}`)
      if (roll >= awsRate) return undefined

      if (roll >= awsRate * 0.8) return {operation: 'fault lost', lost: true}

      const [status, code] =
        roll < awsRate * 0.4 ? [400, 'Throttling'] : [503, 'ServiceUnavailable']
      const body = queryError(code, 'Injected by the fault suite')
      return {operation: `fault ${service}:${code}`, answer: {status, body, type: 'text/xml'}}
    }

    const target = HEROKU_TARGETS.find(
      ([operation, path]) =>
        operation.startsWith(`${call.method} `) && path.test(call.url.pathname),
    )
    if (!target) return undefined

    const roll = draw(`heroku ${call.method} ${call.url.pathname}`)
    if (roll >= herokuRate) return undefined
    // Half are a 503 from Heroku's router, half a connection cut before any answer.
    if (roll >= herokuRate / 2) return {operation: `fault heroku:reset ${target[0]}`}

    const body = JSON.stringify({id: 'service_unavailable', message: 'Injected by the fault suite'})
    return {
      operation: `fault heroku:503 ${target[0]}`,
      answer: {status: 503, body, type: 'application/json'},
    }
  }
}
