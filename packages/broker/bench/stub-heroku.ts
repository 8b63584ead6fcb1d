/*
 * The stub's Heroku: the identity host's grant exchange, and the Platform API as the broker and
 * the CLI plugin call it. It keeps Heroku's side of each add-on: which app it is on, its config
 * vars as the broker last set them, and the SSO form a user of the app gets for it, signed with
 * the salt the bench broker checks.
 */
import {createHash} from 'node:crypto'
import {
  ADDON_NAME,
  APP,
  GRANT_REPLY,
  PLAIN_APP,
  SSO_SALT,
  TEAM,
  USER,
  USER_TEAMS,
} from './fixtures.js'
import type {Answer, Call, Routed} from './stub.js'

type App = {id: string; name: string}

/** An add-on as the Platform API shows it, with the fields the broker and the plugin read. */
export interface PlatformAddon {
  id: string
  name: string
  addon_service: {name: string}
  app: App
  plan: {name: string}
  state: 'provisioned'
}

export interface HerokuState {
  addons: Map<string, PlatformAddon>
  /** Each add-on's config vars, by add-on id. */
  config: Map<string, Map<string, string>>
}

interface Route {
  /** The method and the path's pattern, as the stub's calls name the request. */
  operation: string
  path: RegExp
  /** Only USER's token gets through, as on the routes a user's CLI calls. */
  asUser?: boolean
  answer(state: HerokuState, call: Call, params: string[]): Answer
}

const APPS = [APP, PLAIN_APP]

const json = (value: unknown) => ({body: JSON.stringify(value), type: 'application/json'})
const notFound = (message: string) => ({status: 404, ...json({id: 'not_found', message})})

const ROUTES: Route[] = [
  {
    operation: 'POST /oauth/token',
    path: /^\/oauth\/token$/,
    answer: () => json(GRANT_REPLY),
  },
  {
    // The provision benchmark's add-ons are never added: they are all of APP.
    operation: 'GET /addons/:id',
    path: /^\/addons\/([^/]+)$/,
    answer: ({addons}, _call, [id]) => json(addons.get(id) ?? {id, name: ADDON_NAME, app: APP}),
  },
  {
    operation: 'GET /addons/:id/config',
    path: /^\/addons\/([^/]+)\/config$/,
    answer: (state, _call, [id]) => json(configVars(state, id)),
  },
  {
    operation: 'PATCH /addons/:id/config',
    path: /^\/addons\/([^/]+)\/config$/,
    answer: (state, {body}, [id]) => json(setConfigVars(state, id, body)),
  },
  {
    operation: 'POST /addons/:id/actions/provision',
    path: /^\/addons\/[^/]+\/actions\/provision$/,
    answer: () => json({}),
  },
  {
    operation: 'GET /apps/:id',
    path: /^\/apps\/([^/]+)$/,
    answer: () => json({...APP, team: TEAM}),
  },
  {
    operation: 'GET /apps/:app/addons',
    path: /^\/apps\/([^/]+)\/addons$/,
    asUser: true,
    answer: ({addons}, _call, [app]) => {
      const found = appNamed(app)
      if (!found) return notFound("Couldn't find that app.")

      return json([...addons.values()].filter((addon) => addon.app.id === found.id))
    },
  },
  {
    operation: 'GET /apps/:app/addons/:addon',
    path: /^\/apps\/([^/]+)\/addons\/([^/]+)$/,
    asUser: true,
    answer: (state, _call, [app, addon]) => withAddon(state, app, addon, json),
  },
  {
    // Heroku's SDK variant of the SSO form; the plugin asks for no other.
    operation: 'GET /apps/:app/addons/:addon/sso',
    path: /^\/apps\/([^/]+)\/addons\/([^/]+)\/sso$/,
    asUser: true,
    answer: (state, {headers}, [app, addon]) =>
      headers.accept === 'application/vnd.heroku+json; version=3.sdk'
        ? withAddon(state, app, addon, (found) => json(ssoForm(found)))
        : notFound('Only the SDK variant (version=3.sdk) of the SSO form is stubbed'),
  },
  {
    operation: 'GET /account',
    path: /^\/account$/,
    asUser: true,
    answer: () => json(USER.account),
  },
  {
    operation: 'GET /teams',
    path: /^\/teams$/,
    asUser: true,
    answer: () => json(USER_TEAMS),
  },
  {
    operation: 'GET /teams/:team',
    path: /^\/teams\/([^/]+)$/,
    asUser: true,
    answer: (_state, _call, [wanted]) => {
      const team = USER_TEAMS.find(({id, name}) => id === wanted || name === wanted)
      return team ? json(team) : notFound("Couldn't find that team.")
    },
  },
]

/** Every app of APPS starts with a database, which is not byo-s3's. */
export function newHerokuState(): HerokuState {
  const databases = APPS.map((app, n): [string, PlatformAddon] => {
    const id = `0d5e7a3c-${n}b2f-4c81-9e6a-3f1d8b0c5e27`
    return [id, platformAddon({id, name: `postgresql-bench-${n}`, app}, 'heroku-postgresql')]
  })
  return {addons: new Map(databases), config: new Map()}
}

/** Records an add-on on `app`, as Heroku does before it asks the broker to provision it. */
export function addAddon(state: HerokuState, addon: {id: string; name: string; app: App}): void {
  state.addons.set(addon.id, platformAddon(addon, 'byo-s3'))
}

export function addonConfig(state: HerokuState, addonId: string): Record<string, string> {
  return Object.fromEntries(state.config.get(addonId) ?? [])
}

export function heroku(state: HerokuState, call: Call): Routed {
  for (const route of ROUTES) {
    const [method, pattern] = route.operation.split(' ')
    const match = call.method === method ? route.path.exec(call.url.pathname) : null
    if (!match) continue

    const operation = `heroku:${method} ${pattern}`
    if (route.asUser && call.headers.authorization !== `Bearer ${USER.token}`) {
      const refusal = {id: 'unauthorized', message: 'Invalid credentials provided.'}
      return {operation, answer: {status: 401, ...json(refusal)}}
    }

    const params = match.slice(1).map(decodeURIComponent)
    return {operation, answer: route.answer(state, call, params)}
  }

  const {method, url} = call
  return {
    operation: `heroku:${method} ${url.pathname} (unknown)`,
    answer: notFound(`${method} ${url.pathname} is not stubbed`),
  }
}

function platformAddon(
  addon: {id: string; name: string; app: App},
  service: string,
): PlatformAddon {
  const {id, name, app} = addon
  return {
    id,
    name,
    addon_service: {name: service},
    app: {id: app.id, name: app.name},
    plan: {name: `${service}:standard`},
    state: 'provisioned',
  }
}

function appNamed(wanted: string): App | undefined {
  return APPS.find(({id, name}) => id === wanted || name === wanted)
}

function withAddon(
  {addons}: HerokuState,
  app: string,
  wanted: string,
  answer: (addon: PlatformAddon) => Answer,
): Answer {
  const found = appNamed(app)
  if (!found) return notFound("Couldn't find that app.")

  const addon = [...addons.values()].find(
    ({id, name, app}) => app.id === found.id && (id === wanted || name === wanted),
  )
  return addon ? answer(addon) : notFound("Couldn't find that add-on.")
}

/** The form Heroku's redirector would post to the add-on's sso_url, with Heroku's SHA-1 token. */
function ssoForm(addon: PlatformAddon) {
  const timestamp = String(Math.floor(Date.now() / 1000))
  const token = createHash('sha1').update(`${addon.id}:${SSO_SALT}:${timestamp}`).digest('hex')
  return {
    method: 'post',
    action: 'https://byo-s3.bench.invalid/sso/login',
    params: {
      resource_id: addon.id,
      resource_token: token,
      timestamp,
      email: USER.account.email,
      user_id: USER.account.id,
      app: addon.app.name,
      context_app: addon.app.name,
    },
  }
}

function configVars(state: HerokuState, addonId: string) {
  return [...(state.config.get(addonId) ?? [])].map(([name, value]) => ({name, value}))
}

/** Heroku's PATCH: each var is set, or removed when its value is null; it answers them all. */
function setConfigVars(state: HerokuState, addonId: string, body: string) {
  const vars = state.config.get(addonId) ?? new Map<string, string>()
  state.config.set(addonId, vars)
  const {config = []} = JSON.parse(body) as {config?: {name: string; value: null | string}[]}
  for (const {name, value} of config) {
    if (value === null) vars.delete(name)
    else vars.set(name, value)
  }

  return configVars(state, addonId)
}
