import type {APIClient} from '@heroku-cli/command'

import {readFileSync} from 'node:fs'

import {brokerUrl} from './broker-url.js'
import {errorFromResponse, unreachable} from './broker-errors.js'
import {ByoS3Error, ExitCode} from './errors.js'

export type Team = {id: string; name: string}

export type OnDeprovision = 'delete' | 'retain'

export type LinkKind = 'keys' | 'role'

export type Link = {
  /** Masked; null for a role link. */
  accessKeyId: null | string
  /** Older brokers leave it out: their links all hold keys. */
  kind?: LinkKind
  roleArn?: null | string
  awsAccountId: string
  linkedAt: string
  linkedBy: string
  onDeprovision: OnDeprovision
  /** The AWS region new buckets go to; null: each app's own region. */
  region: null | string
  bucketPrefix: string
  /** Whether add-ons may make objects under public/ readable by anyone. */
  allowPublic: boolean
  /** Whether add-ons may adopt an existing bucket of the account with --bucket. */
  allowAdopt: boolean
  /** Add-on options the team's developers may not use. */
  forbiddenOptions: string[]
  /** Add-on options every new add-on of the team gets, whatever its creator asked for. */
  forcedOptions: Record<string, string>
  team: Team
}

/** The permission dry run: what provisioning needs, each checked with IAM's simulator. */
export type DryRun = {
  missing: string[]
  permissions: PermissionCheck[]
  permissionsChecked: boolean
  reason: null | string
}

/** A role link comes back with its permissions checked. */
export type LinkResult = Link & {created: boolean; verification?: DryRun}

export type LinkInfo = Link & {
  bucketCount: number
  /** The latest drift check, by an admin or the broker's hourly job; null before the first. */
  doctor?: DoctorRun | null
  verifiedAt: string
}

export type DoctorRun = {checkedAt: string; error: null | string; problems: null | number}

export type FindingKind = 'drift' | 'failing' | 'missing' | 'orphan' | 'retained' | 'stuck'

export type Finding = {
  action: string
  addonId: null | string
  fix: {detail: string; outcome: 'failed' | 'fixed'} | null
  fixable: boolean
  kind: FindingKind
  name: string
  problem: string
  resource: 'addon' | 'bucket' | 'job' | 'key' | 'rotation' | 'user'
}

export type DoctorReport = {
  awsAccountId: string
  checkedAt: string
  counts: Record<FindingKind, number>
  findings: Finding[]
  fixed: boolean
  problems: number
  team: Team
}

export type BucketState = 'blocked' | 'deprovisioning' | 'failed' | 'provisioned' | 'provisioning'

export type Bucket = {
  addonId: string
  addonName: null | string
  app: {id: null | string; name: null | string}
  bucket: null | string
  createdAt: string
  failureReason: null | string
  region: null | string
  state: BucketState
}

export type TeamLink = {
  awsAccountId: null | string
  kind?: LinkKind | null
  linked: boolean
  role: null | string
  team: Team
}

/** `recommended`: provisioning works without it, but skips a check (older brokers omit it). */
export type PermissionCheck = {
  action: string
  allowed: boolean
  recommended?: boolean
  resource: string
}

export type Headroom = {quota: number; refusedBelow: number; remaining: number; used: number}

/** The account's counts against its quotas, as provisioning checks them. */
export type QuotaCheck = {
  buckets: Headroom | null
  checked: boolean
  denied: string[]
  iamUsers: Headroom | null
  reason: null | string
}

export type VerifyResult = DryRun & {
  arn: string
  awsAccountId: string
  checkedAt: string
  missingRecommended?: string[]
  quotas?: QuotaCheck
  kind?: LinkKind
  roleArn?: null | string
  team: Team
}

export type AwsCredentials = {accessKeyId: string; secretAccessKey: string}

/** What the admin creates in AWS before linking a role; the broker builds every part. */
export type RoleSetup = {
  brokerPrincipalArn: string
  cloudFormation: Record<string, unknown>
  externalId: string
  linkedRoleArn: null | string
  permissionsPolicy: Record<string, unknown>
  renewed: boolean
  roleName: string
  rolePath: string
  team: Team
  trustPolicy: Record<string, unknown>
}

/** A link's settings as the broker takes them; `region: null` goes back to each app's region. */
export type LinkSettings = {
  allowAdopt?: boolean
  allowPublic?: boolean
  bucketPrefix?: string
  forbiddenOptions?: string[]
  forcedOptions?: Record<string, string>
  onDeprovision?: OnDeprovision
  region?: null | string
}

type Method = 'DELETE' | 'GET' | 'PATCH' | 'POST' | 'PUT'

const {version} = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))

/**
 * Client of the broker's admin API. It calls only absolute URLs under `baseUrl` and sets the
 * Heroku token on each request itself: an APIClient pointed at the broker would attach tokens
 * by its own host rules instead.
 */
export class BrokerClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async deleteLink(team: string): Promise<void> {
    await this.request('DELETE', `/admin/teams/${encodeURIComponent(team)}/link`)
  }

  /** Has the broker compare the team's AWS account with its records; `fix` also repairs. */
  async doctor(team: string, {fix}: {fix: boolean}): Promise<DoctorReport> {
    const path = `/admin/teams/${encodeURIComponent(team)}/doctor`
    return fix ? this.request('POST', `${path}/fix`) : this.request('GET', path)
  }

  async getLink(team: string): Promise<LinkInfo> {
    return this.request('GET', `/admin/teams/${encodeURIComponent(team)}/link`)
  }

  async listBuckets(team: string): Promise<Bucket[]> {
    return this.request('GET', `/admin/teams/${encodeURIComponent(team)}/buckets`)
  }

  async listLinks(): Promise<TeamLink[]> {
    return this.request('GET', '/admin/links')
  }

  /** Changes a link's settings only; the keys stay as they are. */
  async patchLink(team: string, settings: LinkSettings): Promise<Link> {
    return this.request('PATCH', `/admin/teams/${encodeURIComponent(team)}/link`, settings)
  }

  async putLink(
    team: string,
    settings: (AwsCredentials | {roleArn: string}) & LinkSettings,
  ): Promise<LinkResult> {
    return this.request('PUT', `/admin/teams/${encodeURIComponent(team)}/link`, settings)
  }

  /** The role to create for the team; `newExternalId` replaces the External ID it trusts. */
  async roleSetup(team: string, newExternalId: boolean): Promise<RoleSetup> {
    const body = newExternalId ? {newExternalId} : {}
    return this.request('POST', `/admin/teams/${encodeURIComponent(team)}/role-setup`, body)
  }

  /** Has the broker try the team's AWS keys now and simulate each permission provisioning needs. */
  async verifyLink(team: string): Promise<VerifyResult> {
    return this.request('POST', `/admin/teams/${encodeURIComponent(team)}/verify`)
  }

  private async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const credentials = {authorization: `Bearer ${this.token}`}
    return callBroker<T>(this.baseUrl, {body, credentials, method, path, timeoutMs: this.timeoutMs})
  }
}

export type BrokerCall = {
  body?: unknown
  /** The one header that says who calls: a Heroku token, or an add-on's SSO payload. */
  credentials: Record<string, string>
  method: Method
  path: string
  timeoutMs?: number
}

/**
 * One request to the broker, at an absolute URL under `baseUrl`, answered with its JSON reply or
 * a one-line ByoS3Error.
 */
export async function callBroker<T>(baseUrl: string, call: BrokerCall): Promise<T> {
  const {body} = await callBrokerForReply<T>(baseUrl, call)
  return body
}

/** As callBroker, with the reply's status, for the few answers whose status tells something. */
export async function callBrokerForReply<T>(
  baseUrl: string,
  {body, credentials, method, path, timeoutMs = 30_000}: BrokerCall,
): Promise<{body: T; status: number}> {
  let response: Response
  try {
    response = await fetch(baseUrl + path, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        accept: 'application/json',
        ...credentials,
        ...(body === undefined ? {} : {'content-type': 'application/json'}),
        'user-agent': `byo-s3-cli/${version}`,
      },
      method,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    throw unreachable(baseUrl, error, timeoutMs)
  }

  const text = await response.text()
  if (!response.ok) throw errorFromResponse(response.status, text, baseUrl)
  return {body: parseReply(text, baseUrl) as T, status: response.status}
}

export async function connectBroker(heroku: APIClient): Promise<BrokerClient> {
  const token = await heroku.getAuth()
  if (!token) {
    throw new ByoS3Error(
      'You are not logged in to Heroku. Run heroku login, or set HEROKU_API_KEY, and try again.',
      ExitCode.unauthorised,
    )
  }

  return new BrokerClient(brokerUrl(), token)
}

function parseReply(text: string, baseUrl: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new ByoS3Error(
      `The byo-s3 broker at ${baseUrl} sent a reply that is not JSON. Check BYO_S3_BROKER_URL.`,
      ExitCode.generic,
    )
  }
}
