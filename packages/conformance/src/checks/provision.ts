import {isDeepStrictEqual} from 'node:util'
import type {Reply} from '../addon-client.js'
import {
  answered,
  type Context,
  isObject,
  provision,
  type ProvisionBody,
  provisionBody,
} from '../context.js'
import {configVars} from '../manifest.js'
import {fail, type Outcome, pass} from '../report.js'

/** The add-on the rest of the run works on, and how it was first answered. */
export interface Provisioned {
  body: ProvisionBody
  reply: Reply
  /** The add-on answered 2xx: later steps have something to act on. */
  created: boolean
  /** Provisioning continues in the background (202). */
  async: boolean
}

const FAST_MS = 3000

/** Provision, its reply and config, and what a repeated or concurrent request must get. */
export async function checkProvision(
  context: Context,
): Promise<{main: Provisioned; second: Provisioned}> {
  const {report} = context
  const body = provisionBody(context)
  const reply = await provision(context, body)
  const created = reply.status === 200 || reply.status === 202

  await report.check('provision: a valid request gets 200 or 202', () =>
    created ? pass(reply.status === 202 ? 'asynchronous' : 'synchronous') : fail(answered(reply)),
  )
  await report.check('provision: answers within 3 seconds', () =>
    reply.ms < FAST_MS ? pass(`${reply.ms} ms`) : fail(`took ${reply.ms} ms`),
  )
  await report.check('provision: the reply is JSON with the id', () => replyHasId(reply))
  await report.check('provision: config holds manifest vars with string values', () =>
    replyConfig(context, reply),
  )

  const again = await provision(context, body)
  await report.check('provision: the same uuid again gets the identical reply', () =>
    sameReply(reply, again),
  )

  const secondBody = provisionBody(context)
  const [one, two] = await Promise.all([
    provision(context, secondBody),
    provision(context, secondBody),
  ])
  await report.check('provision: two concurrent requests for a new uuid get one reply', () => {
    if (one.status < 200 || one.status >= 300) return fail(answered(one))
    return sameReply(one, two)
  })
  await report.check('provision: another uuid gets an add-on of its own', () => {
    const id = isObject(one.json) ? one.json.id : undefined
    if (!(one.status >= 200 && one.status < 300)) return fail(answered(one))
    if (id === undefined) return fail('the reply has no id')
    return id !== (isObject(reply.json) ? reply.json.id : undefined)
      ? pass()
      : fail('both add-ons got the same id')
  })

  return {
    main: {body, reply, created, async: reply.status === 202},
    second: {
      body: secondBody,
      reply: one,
      created: one.status === 200 || one.status === 202,
      async: one.status === 202,
    },
  }
}

function replyHasId(reply: Reply): Outcome {
  if (reply.json === undefined) return fail('the body is not JSON')
  if (!isObject(reply.json)) return fail('the body is not a JSON object')
  const {id} = reply.json
  return typeof id === 'string' && id !== '' ? pass() : fail('the reply has no id')
}

function sameReply(first: Reply, second: Reply): Outcome {
  if (first.status !== second.status) return fail(`${first.status} first, then ${second.status}`)
  const id = (reply: Reply) => (isObject(reply.json) ? reply.json.id : undefined)
  if (id(first) !== id(second)) return fail('the id differs')
  if (!isDeepStrictEqual(first.json, second.json)) return fail('the body differs')
  return pass()
}

/** A 200's config: an object of string values, each a manifest var; a 202 carries none. */
export function replyConfig(context: Context, reply: Reply): Outcome {
  const config = isObject(reply.json) ? reply.json.config : undefined
  if (reply.status === 202) {
    return config === undefined ? pass('none with 202') : fail('a 202 reply carries config')
  }
  if (config === undefined) return pass('none sent')
  if (!isObject(config)) return fail('config is not an object')

  return checkVars(context, Object.entries(config))
}

/** Config vars as an add-on sends them, in a reply or a PATCH. */
export function checkVars(context: Context, vars: [string, unknown][]): Outcome {
  const known = configVars(context.options.manifest)
  const unknown = vars.filter(([name]) => !known.includes(name)).map(([name]) => name)
  if (unknown.length > 0) return fail(`${unknown.join(', ')} not in the manifest's config_vars`)
  const notText = vars.filter(([, value]) => typeof value !== 'string').map(([name]) => name)
  if (notText.length > 0) return fail(`${notText.join(', ')} not a string`)
  const badUrls = vars
    .filter(([name, value]) => name.endsWith('_URL') && !isUri(String(value)))
    .map(([name]) => name)
  if (badUrls.length > 0) return fail(`${badUrls.join(', ')} not a URI with a scheme and a host`)

  const missing = known.filter((name) => !vars.some(([sent]) => sent === name))
  return pass(missing.length > 0 ? `warning: ${missing.join(', ')} not sent` : undefined)
}

function isUri(value: string): boolean {
  try {
    return new URL(value).host !== ''
  } catch {
    return false
  }
}
