/*
 * A small add-on that keeps the Partner API v3 as the checklist asks, with faults that can be
 * switched on one at a time, so that the conformance tool's failures can be seen to fire. It
 * provisions asynchronously: 202 at once, then it refreshes its token, sets its config and marks
 * itself provisioned through the Platform API found at the request's callback_url.
 */
import {createHash, randomBytes, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

export type Fault =
  | 'accepts-wrong-password'
  | 'answers-201'
  | 'not-idempotent'
  | 'fails-empty-delete'
  | 'accepts-forged-sso'
  | 'accepts-stale-sso'
  | 'never-marks-provisioned'
  | 'sends-unknown-config-var'

export const FAKE = {
  id: 'fake-addon',
  password: 'fake-password-5d1e9c0b7a2f4e63',
  ssoSalt: 'fake-salt-8c3a6f1d2e9b4075',
  clientSecret: 'fake-client-secret-1a2b3c',
  teamId: '6a1f3c9e-2d4b-4e8a-9c7f-5b0e1d2a3f48',
  teamName: 'fake-team',
  plans: ['basic', 'premium'],
}

export function fakeManifest(url: string) {
  return {
    id: FAKE.id,
    name: 'Fake add-on',
    api: {
      version: '3',
      config_vars_prefix: 'FAKE_ADDON',
      config_vars: ['FAKE_ADDON_URL', 'FAKE_ADDON_TOKEN'],
      password: FAKE.password,
      sso_salt: FAKE.ssoSalt,
      regions: ['us', 'eu'],
      requires: [],
      production: {
        base_url: 'https://fake-addon.example/heroku/resources',
        sso_url: 'https://fake-addon.example/sso/login',
      },
      test: {base_url: `${url}/heroku/resources`, sso_url: `${url}/sso/login`},
    },
  }
}

interface Resource {
  reply: Promise<Reply>
  plan: string
}

interface Reply {
  status: number
  body?: unknown
}

export interface FakeAddon {
  url: string
  close(): Promise<void>
}

/** `sync`: provision answers 200 with the config, and nothing follows. */
export async function startFakeAddon(
  fault?: Fault,
  {sync = false}: {sync?: boolean} = {},
): Promise<FakeAddon> {
  const resources = new Map<string, Resource>()
  const gone = new Set<string>()
  const sessions = new Set<string>()

  async function handle(request: IncomingMessage): Promise<Reply & {headers?: object}> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const {pathname} = new URL(request.url ?? '/', 'http://fake.invalid')
    const method = request.method ?? 'GET'

    if (method === 'POST' && pathname === '/sso/login') {
      const form = Object.fromEntries(new URLSearchParams(text))
      if (!validSso(form, resources)) return {status: 403, body: {message: 'Invalid SSO.'}}
      const session = randomBytes(8).toString('hex')
      sessions.add(session)
      return {
        status: 302,
        headers: {location: '/dashboard', 'set-cookie': `s=${session}; HttpOnly`},
      }
    }
    if (method === 'GET' && pathname === '/dashboard') {
      const session = /(?:^|; )s=([0-9a-f]+)/.exec(request.headers.cookie ?? '')?.[1]
      return session && sessions.has(session) ? {status: 200, body: {ok: true}} : {status: 403}
    }
    const whoami = /^\/addons\/([^/]+)\/whoami$/.exec(pathname)
    if (method === 'GET' && whoami) {
      const header = String(request.headers['x-addon-sso'] ?? '')
      const params = JSON.parse(Buffer.from(header, 'base64').toString() || '{}').params ?? {}
      const ok = params.resource_id === whoami[1] && validSso(params, resources)
      return ok ? {status: 200, body: {id: whoami[1]}} : {status: 403, body: {message: 'No.'}}
    }

    if (!authorized(request.headers.authorization)) {
      return {status: 401, body: {message: 'Wrong credentials.'}}
    }
    if (method === 'POST' && pathname === '/heroku/resources') return provision(JSON.parse(text))

    const id = /^\/heroku\/resources\/([^/]+)$/.exec(pathname)?.[1]
    if (id && method === 'PUT') return changePlan(id, JSON.parse(text))
    if (id && method === 'DELETE') {
      if (fault === 'fails-empty-delete' && text === '') {
        return {status: 500, body: {message: 'Unexpected end of JSON input'}}
      }
      resources.delete(id)
      gone.add(id)
      return {status: 204}
    }
    return {status: 404, body: {message: 'Not found.'}}
  }

  function authorized(header: string | undefined): boolean {
    const [user, password] = Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':')
    return user === FAKE.id && (fault === 'accepts-wrong-password' || password === FAKE.password)
  }

  function provision(body: {
    uuid: string
    plan: string
    callback_url: string
    oauth_grant: null | {code: string}
  }) {
    if (gone.has(body.uuid)) return {status: 410, body: {message: 'Deprovisioned.'}}
    const known = resources.get(body.uuid)
    if (known && fault !== 'not-idempotent') return known.reply

    const reply = accept(body)
    resources.set(body.uuid, {reply, plan: body.plan})
    return reply
  }

  async function accept(body: Parameters<typeof provision>[0]): Promise<Reply> {
    if (!body.oauth_grant) return {status: 422, body: {message: 'An OAuth grant is needed.'}}
    const heroku = new URL(body.callback_url).origin
    const tokens = await exchange(heroku, {
      grant_type: 'authorization_code',
      code: body.oauth_grant.code,
    })
    if (!tokens) return {status: 500, body: {message: 'The grant exchange failed.'}}

    const addon = await platform(heroku, tokens.access_token, 'GET', `/addons/${body.uuid}`)
    const app = await platform(heroku, tokens.access_token, 'GET', `/apps/${addon.app.id}`)
    if (!app.team) return {status: 422, body: {message: 'Fake add-on needs a Heroku Team.'}}
    if (app.team.id !== FAKE.teamId) {
      return {status: 422, body: {message: `Team ${app.team.name} is not set up.`}}
    }

    if (sync) {
      const config: Record<string, string> = {
        FAKE_ADDON_URL: `https://fake-addon.example/r/${body.uuid}`,
        FAKE_ADDON_TOKEN: 'fake-app-token',
      }
      if (fault === 'sends-unknown-config-var') config.FAKE_ADDON_EXTRA = 'extra'
      return {status: 200, body: {id: body.uuid, message: 'Ready.', config}}
    }

    setImmediate(() => finish(heroku, body.uuid, tokens.refresh_token).catch(() => {}))
    const status = fault === 'answers-201' ? 201 : 202
    return {status, body: {id: body.uuid, message: 'Provisioning in the background.'}}
  }

  async function finish(heroku: string, id: string, refreshToken: string) {
    const tokens = await exchange(heroku, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    })
    const config = [
      {name: 'FAKE_ADDON_URL', value: `https://fake-addon.example/r/${id}`},
      {name: 'FAKE_ADDON_TOKEN', value: 'fake-app-token'},
    ]
    await platform(heroku, tokens!.access_token, 'PATCH', `/addons/${id}/config`, {config})
    if (fault === 'never-marks-provisioned') return
    await platform(heroku, tokens!.access_token, 'POST', `/addons/${id}/actions/provision`)
  }

  function changePlan(id: string, body: {plan: string}): Reply {
    if (!resources.has(id)) return {status: 404, body: {message: 'No such add-on.'}}
    if (!FAKE.plans.includes(body.plan)) return {status: 422, body: {message: 'No such plan.'}}
    resources.get(id)!.plan = body.plan
    return {status: 200, body: {message: `Plan is ${body.plan}.`}}
  }

  function validSso(form: Record<string, string>, live: Map<string, Resource>): boolean {
    const {resource_id: id = '', resource_token: token = '', timestamp = ''} = form
    const age = Date.now() / 1000 - Number(timestamp)
    if (fault !== 'accepts-stale-sso' && !(age < 300 && age > -60)) return false
    const expected = createHash('sha1').update(`${id}:${FAKE.ssoSalt}:${timestamp}`).digest('hex')
    const tokenRight =
      token.length === expected.length && timingSafeEqual(Buffer.from(token), Buffer.from(expected))
    return (fault === 'accepts-forged-sso' || tokenRight) && live.has(id)
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    handle(request)
      .then(({status, body, headers}) => {
        const text = body === undefined ? '' : JSON.stringify(body)
        response.writeHead(status, {'content-type': 'application/json', ...headers})
        response.end(text)
      })
      .catch(() => {
        response.writeHead(500)
        response.end()
      })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

async function exchange(heroku: string, params: Record<string, string>) {
  const response = await fetch(`${heroku}/oauth/token`, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({...params, client_secret: FAKE.clientSecret}),
  })
  if (!response.ok) return undefined
  return (await response.json()) as {access_token: string; refresh_token: string}
}

async function platform(
  heroku: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${heroku}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.heroku+json; version=3',
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : {'content-type': 'application/json'}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Platform API JSON, read loosely
  return (await response.json()) as any
}
