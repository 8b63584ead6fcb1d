import {randomUUID} from 'node:crypto'
import {AddonClient, type Credentials, type Reply} from './addon-client.js'
import type {HerokuStandIn} from './heroku/stand-in.js'
import type {App} from './heroku/world.js'
import type {Manifest} from './manifest.js'
import type {Report} from './report.js'

export interface RunOptions {
  manifest: Manifest
  /** The add-on's Partner API base URL (provision posts here) and its SSO URL. */
  baseUrl: string
  ssoUrl: string
  password: string
  ssoSalt: string
  /** The plan to provision, and another to change to (the plan change is skipped without it). */
  plan: string
  otherPlan?: string
  /** How long an add-on that answered 202 has to mark itself provisioned. */
  timeoutSeconds: number
  /** The add-on refuses apps without a team, and teams it was not set up for, with 422. */
  requiresTeam: boolean
  /** A URL taking the `x-addon-sso` header, with `{id}` standing for the add-on id. */
  addonSsoUrl?: string
}

/** What every step of a run shares. */
export interface Context {
  options: RunOptions
  report: Report
  client: AddonClient
  auth: Credentials
  standIn: HerokuStandIn
  /** Add-ons the add-on may hold that the run has not deprovisioned yet. */
  live: Set<string>
}

export function newContext(options: RunOptions, report: Report, standIn: HerokuStandIn): Context {
  return {
    options,
    report,
    client: new AddonClient(options.baseUrl, options.ssoUrl),
    auth: {username: String(options.manifest.id ?? ''), password: options.password},
    standIn,
    live: new Set(),
  }
}

export interface ProvisionBody {
  uuid: string
  [field: string]: unknown
}

let serial = 0

/** A provision request as Heroku sends it, for an add-on the stand-in now expects. */
export function provisionBody(
  {standIn, options}: Context,
  {app = standIn.world.app, grant = true}: {app?: App; grant?: boolean} = {},
): ProvisionBody {
  const uuid = randomUUID()
  serial += 1
  const name = `${standIn.world.service}-conformance-${process.pid}${serial}`
  const {code} = standIn.expectAddon({id: uuid, name, plan: options.plan, app})
  // Heroku writes the offset without a colon.
  const expiresAt = new Date(Date.now() + 5 * 60_000).toISOString().replace(/\.\d+Z$/, '+0000')
  return {
    uuid,
    name,
    plan: options.plan,
    region: 'amazon-web-services::us-east-1',
    callback_url: `${standIn.url}/addons/${uuid}`,
    options: {},
    oauth_grant: grant ? {code, expires_at: expiresAt, type: 'authorization_code'} : null,
    // Heroku may add fields at any time; an add-on must ignore those it does not know.
    conformance_unknown_field: {note: 'ignore me'},
  }
}

/** Provisions (with no credentials when `auth` is null), remembering any add-on the add-on says it created, for the final clean-up. */
export async function provision(
  context: Context,
  body: ProvisionBody,
  auth: Credentials | null = context.auth,
): Promise<Reply> {
  const reply = await context.client.provision(body, auth ?? undefined)
  if (reply.status >= 200 && reply.status < 300) context.live.add(body.uuid)
  return reply
}

export async function deprovision(context: Context, id: string): Promise<Reply> {
  const reply = await context.client.deprovision(id, context.auth)
  if (reply.status >= 200 && reply.status < 300) context.live.delete(id)
  return reply
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `answered 201`, with the add-on's own message when it gave one, cut short. */
export function answered(reply: Reply): string {
  const message = isObject(reply.json) ? reply.json.message : undefined
  const said = typeof message === 'string' ? `: ${JSON.stringify(message.slice(0, 120))}` : ''
  return `answered ${reply.status}${said}`
}
