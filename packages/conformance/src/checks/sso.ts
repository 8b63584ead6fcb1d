import {createHash, randomUUID} from 'node:crypto'
import type {Reply} from '../addon-client.js'
import {answered, type Context} from '../context.js'
import {fail, type Outcome, pass, skip} from '../report.js'

/** The form Heroku's redirector posts to `sso_url`, signed with the manifest's salt. */
export function ssoForm(
  context: Context,
  resourceId: string,
  {ageSeconds = 0, token}: {ageSeconds?: number; token?: string} = {},
): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000) - ageSeconds)
  const {world} = context.standIn
  return {
    resource_id: resourceId,
    resource_token: token ?? ssoToken(resourceId, context.options.ssoSalt, timestamp),
    timestamp,
    email: 'user@conformance.example',
    user_id: randomUUID(),
    app: world.app.name,
    context_app: world.app.name,
  }
}

export function ssoToken(resourceId: string, salt: string, timestamp: string): string {
  return createHash('sha1').update(`${resourceId}:${salt}:${timestamp}`).digest('hex')
}

const forged = () => createHash('sha1').update(randomUUID()).digest('hex')

/** SSO to a live add-on: a valid form opens it; forged, stale and future tokens do not. */
export async function checkSso(context: Context, id: string | undefined): Promise<void> {
  const {report, client} = context
  const sso = (form: Record<string, string>) => client.sso(form)
  const attempts: [string, (id: string) => Promise<Outcome>][] = [
    [
      'sso: a valid form (urlencoded POST) gets 200 after redirects',
      async (id) => {
        const reply = await sso(ssoForm(context, id))
        return reply.status === 200 ? pass(`${reply.cookies} cookies set`) : fail(answered(reply))
      },
    ],
    [
      'sso: a forged resource_token is refused with 403',
      async (id) => forbidden(await sso(ssoForm(context, id, {token: forged()}))),
    ],
    [
      'sso: a timestamp 6 minutes old is refused with 403',
      async (id) => forbidden(await sso(ssoForm(context, id, {ageSeconds: 6 * 60}))),
    ],
    [
      'sso: a timestamp 10 minutes ahead is refused with 403',
      async (id) => forbidden(await sso(ssoForm(context, id, {ageSeconds: -10 * 60}))),
    ],
  ]
  for (const [name, attempt] of attempts) {
    await report.check(name, () => (id ? attempt(id) : skip('not provisioned')))
  }

  await report.check('sso: an unknown resource_id is refused with 403 or 404', async () =>
    notOpened(await sso(ssoForm(context, randomUUID()))),
  )
}

/** After deprovisioning, a valid token for the add-on opens nothing. */
export async function checkSsoGone(context: Context, id: string | undefined): Promise<void> {
  await context.report.check(
    'sso: a deprovisioned resource_id is refused with 403 or 404',
    async () =>
      id ? notOpened(await context.client.sso(ssoForm(context, id))) : skip('not provisioned'),
  )
}

/** `x-addon-sso`: the SSO form, base64 JSON in a header, on a URL the add-on names. */
export async function checkAddonSso(context: Context, id: string | undefined): Promise<void> {
  const {report, options, client} = context
  const call = (params: Record<string, string>) => {
    const url = options.addonSsoUrl!.replaceAll('{id}', encodeURIComponent(id!))
    const sso = {method: 'post', action: options.ssoUrl, params}
    const header = Buffer.from(JSON.stringify(sso)).toString('base64')
    return client.get(url, {'x-addon-sso': header, accept: 'application/json'})
  }
  const attempts: [string, () => Promise<Outcome>][] = [
    [
      'x-addon-sso: a valid header is accepted',
      async () => {
        const reply = await call(ssoForm(context, id!))
        return reply.status >= 200 && reply.status < 300 ? pass() : fail(answered(reply))
      },
    ],
    [
      'x-addon-sso: a forged token is refused with 403',
      async () => forbidden(await call(ssoForm(context, id!, {token: forged()}))),
    ],
    [
      'x-addon-sso: a timestamp 6 minutes old is refused with 403',
      async () => forbidden(await call(ssoForm(context, id!, {ageSeconds: 6 * 60}))),
    ],
  ]
  for (const [name, attempt] of attempts) {
    await report.check(name, () => {
      if (!options.addonSsoUrl) return skip('no --addon-sso-url given')
      return id ? attempt() : skip('not provisioned')
    })
  }
}

function forbidden(reply: Reply): Outcome {
  return reply.status === 403 ? pass() : fail(answered(reply))
}

function notOpened(reply: Reply & {cookies?: number}): Outcome {
  return reply.status === 403 || reply.status === 404 ? pass() : fail(answered(reply))
}
