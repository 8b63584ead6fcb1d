import type {APIClient} from '@heroku-cli/command'

import {brokerUrl} from './broker-url.js'
import {callBroker, callBrokerForReply} from './broker.js'
import {ByoS3Error, ExitCode} from './errors.js'

/** What the broker says of an add-on's keys; key ids are not secret, and no secret is in it. */
export type Rotation = {
  accessKeyId: null | string
  addonId: string
  failureReason: null | string
  previousAccessKeyId: null | string
  previousKeyDeletesAt: null | string
  startedAt: null | string
  state: 'failed' | 'idle' | 'overlap' | 'rotating'
}

export type Addon = {
  addon_service: {name: string}
  app: {name: string}
  id: string
  name: string
}

/** How `credentials:rotate` waits for the new key to reach the app; tests shorten it. */
export const rotationPolling = {intervalMs: 2000, maxWaitMs: 5 * 60 * 1000}

const SERVICE = 'byo-s3'
// Heroku's SSO tokens last five minutes; a fresh one is fetched well before that.
const SSO_REFRESH_MS = 4 * 60 * 1000

/**
 * Finds the app's byo-s3 add-on: the one named, or the only one. A user passes an add-on name
 * only when the app has several.
 */
export async function findByoS3Addon(
  heroku: APIClient,
  app: string,
  name?: string,
): Promise<Addon> {
  if (name) {
    const addon = await herokuGet<Addon>(
      heroku,
      `/apps/${encodeURIComponent(app)}/addons/${encodeURIComponent(name)}`,
    )
    if (addon.addon_service.name !== SERVICE) {
      throw new ByoS3Error(
        `${addon.name} is a ${addon.addon_service.name} add-on, not a byo-s3 one.`,
        ExitCode.usage,
      )
    }

    return addon
  }

  const addons = await herokuGet<Addon[]>(heroku, `/apps/${encodeURIComponent(app)}/addons`)
  const ours = addons.filter((addon) => addon.addon_service.name === SERVICE)
  if (ours.length === 1) return ours[0]
  if (ours.length === 0) {
    throw new ByoS3Error(
      `App ${app} has no byo-s3 add-on. Create one with heroku addons:create byo-s3 -a ${app}.`,
      ExitCode.notFound,
    )
  }

  const names = ours.map((addon) => addon.name).join(', ')
  throw new ByoS3Error(
    `App ${app} has ${ours.length} byo-s3 add-ons (${names}). Name one: heroku byo-s3:credentials:rotate -a ${app} ${ours[0].name}.`,
    ExitCode.usage,
  )
}

/**
 * The broker's add-on API, reached with the add-on's SSO payload in `x-addon-sso` as Heroku's
 * own plugins reach their add-ons: it proves access to this one add-on, and the user's Heroku
 * token never leaves for the broker.
 */
export class AddonBroker {
  private sso?: {fetchedAt: number; header: string}

  constructor(
    private readonly heroku: APIClient,
    readonly addon: Addon,
    readonly baseUrl = brokerUrl(),
  ) {}

  async credentials(): Promise<Rotation> {
    return this.call('GET', `/addons/${encodeURIComponent(this.addon.id)}/credentials`)
  }

  /** Starts a rotation; `started` is false when one was running already and is returned instead. */
  async rotate(): Promise<{rotation: Rotation; started: boolean}> {
    const credentials = {'x-addon-sso': await this.ssoHeader()}
    const path = `/addons/${encodeURIComponent(this.addon.id)}/credentials/rotate`
    const reply = await callBrokerForReply<Rotation>(this.baseUrl, {
      credentials,
      method: 'POST',
      path,
    })
    return {rotation: reply.body, started: reply.status === 202}
  }

  private async call<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const credentials = {'x-addon-sso': await this.ssoHeader()}
    return callBroker<T>(this.baseUrl, {credentials, method, path})
  }

  private async ssoHeader(): Promise<string> {
    if (this.sso && Date.now() - this.sso.fetchedAt < SSO_REFRESH_MS) return this.sso.header

    const {app, id} = this.addon
    const payload = await herokuGet<unknown>(
      this.heroku,
      `/apps/${encodeURIComponent(app.name)}/addons/${encodeURIComponent(id)}/sso`,
      {Accept: 'application/vnd.heroku+json; version=3.sdk'},
    )
    this.sso = {
      fetchedAt: Date.now(),
      header: Buffer.from(JSON.stringify(payload)).toString('base64'),
    }
    return this.sso.header
  }
}

/** A Platform API read whose failure becomes one line with the plugin's exit codes. */
async function herokuGet<T>(
  heroku: APIClient,
  path: string,
  headers: Record<string, string> = {},
): Promise<T> {
  try {
    const {body} = await heroku.get<T>(path, {headers})
    return body
  } catch (error) {
    throw herokuError(error)
  }
}

/** A failed Platform API call as one line; only an HTTP answer carries a status. */
function herokuError(error: unknown): ByoS3Error {
  const {body, http} = error as {body?: {message?: string}; http?: {statusCode?: number}}
  const status = http?.statusCode ?? (error as {statusCode?: number}).statusCode
  const message = body?.message ?? (error as Error).message ?? String(error)
  const reason = message.replace(/\.$/, '')
  if (status === undefined) {
    return new ByoS3Error(
      `Could not reach Heroku's API: ${reason}. Try again in a few minutes.`,
      ExitCode.upstream,
    )
  }

  if (status === 401 || status === 403)
    return new ByoS3Error(`Heroku refused: ${message}`, ExitCode.unauthorised)
  if (status === 404) return new ByoS3Error(`Heroku: ${message}`, ExitCode.notFound)
  if (status >= 500) {
    return new ByoS3Error(
      `Heroku's API failed (HTTP ${status}): ${reason}. Try again in a few minutes.`,
      ExitCode.upstream,
    )
  }

  return new ByoS3Error(`Heroku API: ${message}`, ExitCode.generic)
}
