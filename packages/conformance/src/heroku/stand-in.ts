/*
 * Heroku's side of the Partner API, as an add-on calls it back: the identity host's grant
 * exchange and refresh (`POST /oauth/token`), and the Platform API for Partners for the add-ons
 * the conformance run creates. One loopback server plays both hosts, so an add-on points its
 * Platform API and identity URLs at the same address.
 *
 * It is strict where Heroku is: a grant code works once, a token reaches only its own add-on, and
 * a grant's access token is reported as nearly expired and refused for config and action calls,
 * so an add-on must refresh before it writes, as it must hours after a real grant. Every call is
 * recorded for the checks to read.
 */
import {randomBytes, randomUUID} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {addonView, appView, attachmentView, configView} from './views.js'
import {type Addon, type App, type Identity, newWorld, type World} from './world.js'

export const VENDOR_ACCEPT = 'application/vnd.heroku+json; version=3'

/** How long the stand-in says a grant's access token lives: under any sensible refresh margin. */
export const GRANT_TOKEN_SECONDS = 120

export interface PlatformCall {
  method: string
  path: string
  /** The add-on the call was about, when its path names one. */
  addonId?: string
  accept?: string
  /** Which token it carried: none, one the stand-in never issued, a grant's, or a refreshed one. */
  token: 'none' | 'unknown' | 'grant' | 'refreshed'
  status: number
  /** For PATCH config: the vars as sent. */
  config?: unknown
}

export interface TokenRequest {
  grantType: string
  addonId?: string
  /** Whether code (or refresh_token), and client_secret, were sent. */
  credentialSent: boolean
  clientSecretSent: boolean
  /** The client secret matched the expected one, when the caller gave one. */
  clientSecretRight: boolean
  status: number
}

export interface StandInOptions {
  port?: number
  host?: string
  identity?: Partial<Identity>
  /** The add-on's OAuth client secret, when known: exchanges with another one are refused. */
  clientSecret?: string
}

export interface HerokuStandIn {
  url: string
  world: World
  /** Records an add-on Heroku is about to ask for, and the grant code that goes with it. */
  expectAddon(addon: {id: string; name: string; plan: string; app: App}): {code: string}
  addon(id: string): Addon | undefined
  calls(): PlatformCall[]
  tokenRequests(): TokenRequest[]
  /** While down, every call is answered 503, as during an outage. */
  setDown(down: boolean): void
  close(): Promise<void>
}

interface Token {
  addonId: string
  kind: 'grant' | 'refreshed'
}

interface State {
  world: World
  clientSecret?: string
  codes: Map<string, {addonId: string; used: boolean}>
  accessTokens: Map<string, Token>
  refreshTokens: Map<string, string>
  calls: PlatformCall[]
  tokenRequests: TokenRequest[]
  down: boolean
}

interface Answer {
  status: number
  body?: unknown
}

const notFound = (message: string): Answer => ({status: 404, body: {id: 'not_found', message}})
const unauthorized = (message: string): Answer => ({
  status: 401,
  body: {id: 'unauthorized', message},
})

export async function startHerokuStandIn(options: StandInOptions = {}): Promise<HerokuStandIn> {
  const state: State = {
    world: newWorld(options.identity),
    clientSecret: options.clientSecret,
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    calls: [],
    tokenRequests: [],
    down: false,
  }

  const server = createServer((request, response) => {
    handle(state, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const {address, port} = server.address() as AddressInfo

  return {
    url: `http://${address}:${port}`,
    world: state.world,
    expectAddon(addon) {
      state.world.addons.set(addon.id, {...addon, state: 'provisioning', config: new Map()})
      const code = randomUUID()
      state.codes.set(code, {addonId: addon.id, used: false})
      return {code}
    },
    addon: (id) => state.world.addons.get(id),
    calls: () => [...state.calls],
    tokenRequests: () => [...state.tokenRequests],
    setDown(down) {
      state.down = down
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

async function handle(state: State, request: IncomingMessage, response: ServerResponse) {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks).toString('utf8')
  const url = new URL(request.url ?? '/', 'http://stand-in.invalid')
  const method = request.method ?? 'GET'

  const answer = state.down
    ? {status: 503, body: {id: 'unavailable', message: 'The Heroku stand-in is down on purpose.'}}
    : method === 'POST' && url.pathname === '/oauth/token'
      ? oauthToken(state, new URLSearchParams(body || url.search))
      : platform(state, method, url.pathname, request.headers, body)

  const text = answer.body === undefined ? '' : JSON.stringify(answer.body)
  response.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  })
  response.end(text)
}

/** The identity host: a grant code is exchanged once; a refresh token works as long as its add-on. */
function oauthToken(state: State, form: URLSearchParams): Answer {
  const grantType = form.get('grant_type') ?? ''
  const secret = form.get('client_secret') ?? ''
  const secretRight = state.clientSecret === undefined || secret === state.clientSecret
  const record = (addonId: string | undefined, credentialSent: boolean, status: number) => {
    state.tokenRequests.push({
      grantType,
      addonId,
      credentialSent,
      clientSecretSent: secret !== '',
      clientSecretRight: secretRight,
      status,
    })
  }
  const refuse = (addonId?: string) => {
    record(addonId, false, 401)
    return unauthorized('Invalid OAuth grant, refresh token or client secret.')
  }

  if (grantType === 'authorization_code') {
    const grant = state.codes.get(form.get('code') ?? '')
    if (!grant || grant.used || !secret || !secretRight) return refuse(grant?.addonId)

    grant.used = true
    record(grant.addonId, true, 200)
    return {status: 200, body: issue(state, grant.addonId, 'grant')}
  }

  if (grantType === 'refresh_token') {
    const addonId = state.refreshTokens.get(form.get('refresh_token') ?? '')
    if (!addonId || !secret || !secretRight) return refuse(addonId)

    record(addonId, true, 200)
    return {status: 200, body: issue(state, addonId, 'refreshed')}
  }

  return refuse()
}

function issue(state: State, addonId: string, kind: Token['kind']) {
  const accessToken = randomBytes(16).toString('hex')
  const refreshToken = randomBytes(16).toString('hex')
  state.accessTokens.set(accessToken, {addonId, kind})
  state.refreshTokens.set(refreshToken, addonId)
  return {
    access_token: accessToken,
    refresh_token: refreshToken,
    expires_in: kind === 'grant' ? GRANT_TOKEN_SECONDS : 28_800,
    token_type: 'Bearer',
    user_id: randomUUID(),
    session_nonce: null,
  }
}

interface Route {
  method: string
  path: RegExp
  /** Config and action calls refuse a grant's token: it has expired by the time they come. */
  writes?: boolean
  answer(state: State, addon: Addon, body: string): Answer
}

const ADDON_ROUTES: Route[] = [
  {method: 'GET', path: /^\/addons\/([^/]+)$/, answer: (s, addon) => ok(addonView(s.world, addon))},
  {
    method: 'GET',
    path: /^\/addons\/([^/]+)\/config$/,
    answer: (_s, addon) => ok(configView(addon)),
  },
  {
    method: 'PATCH',
    path: /^\/addons\/([^/]+)\/config$/,
    writes: true,
    answer: (_s, addon, body) => patchConfig(addon, body),
  },
  {
    method: 'POST',
    path: /^\/addons\/([^/]+)\/actions\/provision$/,
    writes: true,
    answer: (s, addon) => {
      addon.state = 'provisioned'
      return ok(addonView(s.world, addon))
    },
  },
  {
    method: 'POST',
    path: /^\/addons\/([^/]+)\/actions\/deprovision$/,
    writes: true,
    answer: (s, addon) => {
      addon.state = 'deprovisioned'
      return ok(addonView(s.world, addon))
    },
  },
  {
    method: 'GET',
    path: /^\/addons\/([^/]+)\/addon-attachments$/,
    answer: (s, addon) => ok([attachmentView(s.world, addon)]),
  },
]

function platform(
  state: State,
  method: string,
  path: string,
  headers: IncomingMessage['headers'],
  body: string,
): Answer {
  const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1]
  const token = bearer === undefined ? undefined : state.accessTokens.get(bearer)
  const call: PlatformCall = {
    method,
    path,
    accept: headers.accept,
    token: bearer === undefined ? 'none' : (token?.kind ?? 'unknown'),
    status: 0,
  }
  state.calls.push(call)
  const answer = route(state, call, token, body)
  call.status = answer.status
  return answer
}

function route(state: State, call: PlatformCall, token: Token | undefined, body: string): Answer {
  if (!token) return unauthorized('Invalid credentials provided.')

  for (const candidate of ADDON_ROUTES) {
    const match = call.method === candidate.method ? candidate.path.exec(call.path) : null
    if (!match) continue

    const id = decodeURIComponent(match[1])
    call.addonId = id
    const addon = state.world.addons.get(id)
    if (!addon || token.addonId !== id) return notFound("Couldn't find that add-on.")
    if (candidate.writes && token.kind === 'grant') {
      return unauthorized('The access token expired: refresh it (grant_type=refresh_token).')
    }
    if (call.method === 'PATCH') call.config = safeJson(body)
    return candidate.answer(state, addon, body)
  }

  // The apps the token's add-on is attached to; the partner token sees no other.
  const addon = state.world.addons.get(token.addonId)!
  const apps = /^\/apps\/([^/]+)(\/addons)?$/.exec(call.path)
  if (call.method === 'GET' && apps) {
    const wanted = decodeURIComponent(apps[1])
    if (wanted !== addon.app.id && wanted !== addon.app.name) {
      return notFound("Couldn't find that app.")
    }
    return ok(apps[2] ? [addonView(state.world, addon)] : appView(addon.app))
  }

  return notFound(`${call.method} ${call.path} is not part of the Platform API for Partners here.`)
}

function ok(body: unknown): Answer {
  return {status: 200, body}
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function patchConfig(addon: Addon, body: string): Answer {
  const sent = safeJson(body) as {config?: unknown}
  if (!Array.isArray(sent?.config)) {
    return {status: 422, body: {id: 'invalid_params', message: 'config must be an array.'}}
  }

  for (const item of sent.config as {name?: unknown; value?: unknown}[]) {
    if (typeof item?.name !== 'string') continue
    if (item.value === null) addon.config.delete(item.name)
    else addon.config.set(item.name, String(item.value))
  }
  return ok(configView(addon))
}
