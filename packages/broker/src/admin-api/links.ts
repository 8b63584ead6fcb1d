import {maskKeyId} from '../aws/access-keys.js'
import {brokerPrincipalArn} from '../aws/broker-principal.js'
import {whoAmI} from '../aws/identity.js'
import {accountOfRoleArn, checkRole} from '../aws/role-access.js'
import {BrokerError} from '../errors.js'
import type {Account, Team} from '../heroku/platform.js'
import {linkCredentials, roleSessionName} from '../provisioning/link-credentials.js'
import {refreshQuotaSnapshot} from '../provisioning/quota-check.js'
import type {Services} from '../services.js'
import {liveResourcesOfTeam, teamResources} from '../storage/resources.js'
import {
  deleteTeamLink,
  findTeamExternalId,
  findTeamLink,
  findTeamLinks,
  type LinkCredentials,
  type LinkKind,
  saveTeamLink,
  updateTeamLinkSettings,
  type OnDeprovision,
  type TeamLink,
} from '../storage/team-links.js'
import {lastDoctorRun} from './doctor.js'
import {checkSettings, type SettingsRequest} from './link-settings.js'
import {checkPermissions} from './verify.js'

export interface LinkView {
  team: {id: string; name: string}
  awsAccountId: string
  kind: LinkKind
  /** Masked; null for a role link. */
  accessKeyId: string | null
  roleArn: string | null
  linkedBy: string
  linkedAt: string
  onDeprovision: OnDeprovision
  /** Where new buckets go; null: in each app's own region. */
  region: string | null
  bucketPrefix: string
  allowPublic: boolean
  /** Whether add-ons may adopt existing buckets of the account with --bucket. */
  allowAdopt: boolean
  forbiddenOptions: string[]
  forcedOptions: Record<string, string>
}

/** A key pair, or the ARN of a role in the team's account. */
export type LinkTarget =
  {credentials: {accessKeyId: string; secretAccessKey: string}} | {roleArn: string}

export type LinkRequest = LinkTarget & {
  team: Team
  account: Account
  settings?: SettingsRequest
}

export type LinkBody = {accessKeyId?: string; secretAccessKey?: string; roleArn?: string}

type DryRun = Awaited<ReturnType<typeof checkPermissions>>

/**
 * Checks the AWS keys with STS, or assumes the role, before anything is stored, then links the
 * team to that account. A role's permissions are dry-run at once as well, and the result is
 * part of the answer.
 */
export async function linkTeam(
  services: Services,
  request: LinkRequest,
): Promise<LinkView & {created: boolean; verification?: DryRun}> {
  const {team, account, settings = {}} = request
  // Settings first: a bad one is refused before AWS is asked anything.
  const checked = checkSettings(settings, await findTeamLink(services.pool, team.id))
  const {accountId, stored} =
    'roleArn' in request
      ? await checkedRole(services, team, request.roleArn)
      : await checkedKeys(services, request.credentials)
  await refuseAccountChangeWhileLive(services, team, accountId)
  const {link, created} = await saveTeamLink(services.pool, {
    teamId: team.id,
    teamName: team.name,
    awsAccountId: accountId,
    ...stored,
    linkedById: account.id,
    linkedByEmail: account.email,
    settings: checked,
  })
  // Best effort: the link stands without the counts, and verify reports why they are missing.
  await refreshQuotaSnapshot(services, services.pool, linkCredentials(services, link), {
    teamId: team.id,
    awsAccountId: accountId,
  }).catch(() => undefined)
  if (link.kind === 'keys') return {...viewOf(link), created}

  const verification = await checkPermissions(
    services,
    {roleArn: link.roleArn, externalId: link.externalId!, sessionName: roleSessionName(team.id)},
    {principalArn: link.roleArn, accountId, bucketPrefix: link.bucketPrefix},
  )
  return {...viewOf(link), created, verification}
}

async function checkedKeys(
  services: Services,
  credentials: {accessKeyId: string; secretAccessKey: string},
): Promise<{accountId: string; stored: LinkCredentials}> {
  const identity = await whoAmI(services.aws, credentials)
  return {
    accountId: identity.accountId,
    stored: {
      kind: 'keys',
      accessKeyId: credentials.accessKeyId,
      secretAccessKeySealed: services.config.keyRing.seal(credentials.secretAccessKey),
      roleArn: null,
    },
  }
}

async function checkedRole(
  services: Services,
  team: Team,
  roleArn: string,
): Promise<{accountId: string; stored: LinkCredentials}> {
  accountOfRoleArn(roleArn)
  const externalId = await findTeamExternalId(services.pool, team.id)
  if (!externalId) {
    throw new BrokerError(
      409,
      'no_external_id',
      `Team ${team.name} has no External ID yet, so no role can trust byo-s3 for it. Run ` +
        `heroku byo-s3:link --team ${team.name} --print-role-setup, create the role it ` +
        'describes, then link with --role-arn.',
    )
  }

  const brokerArn = await brokerPrincipalArn(services.aws, services.config.aws.brokerPrincipalArn)
  const role = {roleArn, externalId, sessionName: roleSessionName(team.id)}
  const identity = await checkRole(services.aws, role, brokerArn)
  return {
    accountId: identity.accountId,
    stored: {kind: 'role', roleArn, accessKeyId: null, secretAccessKeySealed: null},
  }
}

/**
 * Add-ons are deprovisioned with the link's credentials in the account they were made in, so a
 * link may move to another AWS account only once the team has no add-ons left.
 */
async function refuseAccountChangeWhileLive(services: Services, team: Team, accountId: string) {
  const current = await findTeamLink(services.pool, team.id)
  if (!current || current.awsAccountId === accountId) return

  const live = await liveResourcesOfTeam(services.pool, team.id)
  if (live.length === 0) return

  throw new BrokerError(
    409,
    'live_addons',
    `Team ${team.name} has ${live.length} byo-s3 add-on(s) in AWS account ${current.awsAccountId}, ` +
      `and these credentials belong to account ${accountId}. Link keys or a role of account ` +
      `${current.awsAccountId}, or destroy those add-ons first.`,
  )
}

/** The link with what an admin wants at a glance: how many add-ons use it. */
export async function linkOf(
  services: Services,
  team: Team,
): Promise<
  LinkView & {
    bucketCount: number
    verifiedAt: string
    doctor: Awaited<ReturnType<typeof lastDoctorRun>>
  }
> {
  const link = await findTeamLink(services.pool, team.id)
  if (!link) throw notLinked(team)

  const live = await liveResourcesOfTeam(services.pool, team.id)
  // The keys were last checked with STS when the link was written.
  return {
    ...viewOf(link),
    bucketCount: live.length,
    verifiedAt: link.updatedAt.toISOString(),
    doctor: await lastDoctorRun(services, team.id),
  }
}

/** Changes a link's settings without touching its keys, so no secret has to be sent again. */
export async function changeLinkSettings(
  services: Services,
  team: Team,
  settings: SettingsRequest,
): Promise<LinkView> {
  const current = await findTeamLink(services.pool, team.id)
  if (!current) throw notLinked(team)

  const link = await updateTeamLinkSettings(
    services.pool,
    team.id,
    checkSettings(settings, current),
  )
  if (!link) throw notLinked(team)
  return viewOf(link)
}

/** Every add-on of the team that has or had a bucket, newest first, with failure reasons. */
export async function bucketsOf(services: Services, team: Team) {
  const resources = await teamResources(services.pool, team.id)
  return resources.map((resource) => ({
    addonId: resource.id,
    addonName: resource.name,
    app: {id: resource.appId, name: resource.appName},
    bucket: resource.bucketName,
    region: resource.region,
    state: resource.state,
    createdAt: resource.createdAt.toISOString(),
    failureReason: resource.failureReason,
  }))
}

export async function unlinkTeam(services: Services, team: Team): Promise<void> {
  const live = await liveResourcesOfTeam(services.pool, team.id)
  if (live.length > 0) {
    const list = live.map((resource) => `${resource.name ?? resource.id} (app ${resource.appName})`)
    throw new BrokerError(
      409,
      'live_addons',
      `Team ${team.name} still has ${live.length} byo-s3 add-on(s): ${list.join(', ')}. ` +
        'Destroy them first (heroku addons:destroy), then unlink.',
    )
  }

  if (!(await deleteTeamLink(services.pool, team.id))) throw notLinked(team)
}

export async function linksOf(services: Services, teams: Team[]) {
  const links = await findTeamLinks(
    services.pool,
    teams.map((team) => team.id),
  )
  const byTeam = new Map(links.map((link) => [link.teamId, link]))
  return teams.map((team) => ({
    team: {id: team.id, name: team.name},
    role: team.role,
    linked: byTeam.has(team.id),
    kind: byTeam.get(team.id)?.kind ?? null,
    awsAccountId: byTeam.get(team.id)?.awsAccountId ?? null,
  }))
}

function viewOf(link: TeamLink): LinkView {
  return {
    team: {id: link.teamId, name: link.teamName},
    awsAccountId: link.awsAccountId,
    kind: link.kind,
    accessKeyId: link.accessKeyId === null ? null : maskKeyId(link.accessKeyId),
    roleArn: link.roleArn,
    linkedBy: link.linkedByEmail,
    linkedAt: link.updatedAt.toISOString(),
    onDeprovision: link.onDeprovision,
    region: link.defaultRegion,
    bucketPrefix: link.bucketPrefix,
    allowPublic: link.allowPublic,
    allowAdopt: link.allowAdopt,
    forbiddenOptions: link.forbiddenOptions,
    forcedOptions: link.forcedOptions,
  }
}

export function notLinked(team: Team): BrokerError {
  return new BrokerError(
    404,
    'not_linked',
    `Team ${team.name} is not linked to AWS. Link it with heroku byo-s3:link --team ${team.name}.`,
  )
}

/** What a link request asks for: keys or a role, never both, never neither. */
export function linkTarget({accessKeyId, secretAccessKey, roleArn}: LinkBody): LinkTarget {
  if (roleArn !== undefined && (accessKeyId !== undefined || secretAccessKey !== undefined)) {
    throw new BrokerError(
      422,
      'keys_and_role',
      'Send either an access key pair or a role ARN, not both: a link holds one of them.',
    )
  }
  if (roleArn !== undefined) return {roleArn}
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    return {credentials: {accessKeyId, secretAccessKey}}
  }

  throw new BrokerError(
    422,
    'no_credentials',
    'Send accessKeyId with secretAccessKey, or roleArn, to link the team. To change settings ' +
      'alone, send them with PATCH.',
  )
}
