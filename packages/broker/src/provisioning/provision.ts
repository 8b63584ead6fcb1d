import type {PoolClient} from 'pg'
import type {FastifyBaseLogger as Logger} from 'fastify'
import {bucketNameFor} from '../aws/bucket-name.js'
import type {AwsCredentials} from '../aws/clients.js'
import {deleteUser, deprovisionBucketAndUser} from '../aws/deprovision.js'
import {provisionBucketAndUser} from '../aws/provision.js'
import {BrokerError} from '../errors.js'
import {HerokuApiError} from '../heroku/http.js'
import type {Services} from '../services.js'
import {type Resource, findResource, recordResource, updateResource} from '../storage/resources.js'
import {withResourceLock} from '../storage/resource-lock.js'
import {findTeamLink, type TeamLink} from '../storage/team-links.js'
import {configVarsFor} from './config-vars.js'
import {awsRegionOf} from './region.js'

export interface ProvisionRequest {
  uuid: string
  name?: string
  plan?: string
  region?: string
  oauth_grant?: {code: string} | null
}

export interface Reply {
  status: number
  body: {id?: string; message: string; config?: Record<string, string>}
}

/**
 * Provisions one add-on: records the request under its uuid, finds the app's team through the
 * Platform API, and creates the bucket, IAM user and key in the team's AWS account. A repeated
 * request for the same uuid gets the same reply, built again from what was stored.
 */
export async function provision(
  services: Services,
  request: ProvisionRequest,
  log: Logger,
): Promise<Reply> {
  const {pool} = services
  await recordResource(pool, {
    id: request.uuid,
    name: request.name ?? null,
    plan: request.plan ?? null,
  })

  return withResourceLock(pool, request.uuid, async (db) => {
    const resource = (await findResource(db, request.uuid))!
    if (resource.state !== 'provisioning') return replayFor(services, resource)

    try {
      return await provisionFresh(services, db, resource, request, log)
    } catch (error) {
      if (!(error instanceof BrokerError) || error.status >= 500) throw error

      await updateResource(db, resource.id, {state: 'refused', message: error.message})
      log.info({addonId: resource.id, reason: error.id}, 'provision refused')
      return {status: error.status, body: {message: error.message}}
    }
  })
}

async function provisionFresh(
  services: Services,
  db: PoolClient,
  resource: Resource,
  request: ProvisionRequest,
  log: Logger,
): Promise<Reply> {
  const region = awsRegionOf(request.region)
  const token = await partnerToken(services, db, resource, request)
  const {app, team} = await appAndTeam(services, token, resource.id)
  const link = await findTeamLink(db, team.id)
  if (!link) {
    throw new BrokerError(
      422,
      'team_not_linked',
      `Team ${team.name} is not linked to an AWS account yet. ` +
        `A team admin must run: heroku byo-s3:link --team ${team.name}`,
    )
  }

  const plan = {
    bucketName: resource.bucketName ?? bucketNameFor(app.name),
    iamUserName: resource.iamUserName ?? `byo-s3-${resource.id}`,
  }
  await updateResource(db, resource.id, {
    region,
    teamId: team.id,
    teamName: team.name,
    appId: app.id,
    appName: app.name,
    awsAccountId: link.awsAccountId,
    ...plan,
  })

  const scope = {addonId: resource.id, teamId: team.id, bucket: plan.bucketName}
  log.info(scope, 'provisioning bucket')
  const credentials = linkCredentials(services, link)
  const key = await createInAws(
    services,
    credentials,
    {
      addonId: resource.id,
      accountId: link.awsAccountId,
      region,
      tags: {'byo-s3:team-id': team.id, 'byo-s3:app-id': app.id, 'byo-s3:app-name': app.name},
      ...plan,
    },
    log,
  )

  const message = `Created bucket ${plan.bucketName} in ${region} in AWS account ${link.awsAccountId}.`
  await updateResource(db, resource.id, {
    state: 'provisioned',
    appAccessKeyId: key.accessKeyId,
    appSecretAccessKeySealed: services.config.keyRing.seal(key.secretAccessKey),
    message,
  })
  log.info(scope, 'provisioned')

  const config = configVarsFor({...plan, region, ...key})
  return {status: 200, body: {id: resource.id, message, config}}
}

async function partnerToken(
  services: Services,
  db: PoolClient,
  resource: Resource,
  request: ProvisionRequest,
): Promise<string> {
  const {keyRing} = services.config
  if (resource.oauthAccessTokenSealed) return keyRing.unseal(resource.oauthAccessTokenSealed)

  const code = request.oauth_grant?.code
  if (!code) {
    throw new BrokerError(
      422,
      'missing_oauth_grant',
      'byo-s3 needs an OAuth grant to find the app and its team, and this request had none.',
    )
  }

  const tokens = await services.oauth.exchangeGrant(code).catch(rethrowHeroku)
  await updateResource(db, resource.id, {
    oauthAccessTokenSealed: keyRing.seal(tokens.accessToken),
    oauthRefreshTokenSealed: keyRing.seal(tokens.refreshToken),
    oauthExpiresAt: tokens.expiresAt,
  })
  return tokens.accessToken
}

async function appAndTeam(services: Services, token: string, addonId: string) {
  const {platform} = services
  const addon = await platform.getAddon(token, addonId).catch(rethrowHeroku)
  const app = await platform.getApp(token, addon.app.id).catch(rethrowHeroku)
  if (!app.team) {
    throw new BrokerError(
      422,
      'personal_app',
      `byo-s3 creates buckets in a Heroku Team's own AWS account, and ${app.name} is a personal ` +
        `app. Transfer it to a team (heroku apps:transfer --app ${app.name} TEAM) and try again.`,
    )
  }

  return {app: {id: app.id, name: app.name}, team: app.team}
}

type AwsRequest = Parameters<typeof provisionBucketAndUser>[2]

/**
 * Runs the AWS steps; when one fails, removes whatever they made and refuses the add-on with
 * AWS's reason. A bucket name owned by another account is never touched by the clean-up.
 */
async function createInAws(
  services: Services,
  credentials: AwsCredentials,
  request: AwsRequest,
  log: Logger,
): Promise<AwsCredentials> {
  try {
    return await provisionBucketAndUser(services.aws, credentials, request)
  } catch (error) {
    const nameTaken = error instanceof BrokerError && error.id === 'bucket_name_taken'
    const cleanedUp = await cleanUp(services, credentials, request, !nameTaken)
    log.warn({addonId: request.addonId, err: error, cleanedUp}, 'provisioning in AWS failed')
    throw new BrokerError(
      422,
      'aws_refused',
      `AWS account ${request.accountId} refused to create the bucket (${awsReason(error)}). ` +
        (cleanedUp
          ? 'Nothing was left behind. '
          : `Some of it may remain: bucket ${request.bucketName}, IAM user ${request.iamUserName}. `) +
        'A team admin should check the linked credentials; then try again.',
      {cause: error},
    )
  }
}

async function cleanUp(
  services: Services,
  credentials: AwsCredentials,
  request: AwsRequest,
  bucketIsOurs: boolean,
): Promise<boolean> {
  try {
    if (bucketIsOurs) await deprovisionBucketAndUser(services.aws, credentials, request)
    else await deleteUser(services.aws, credentials, request.iamUserName)
    return true
  } catch {
    return false
  }
}

function awsReason(error: unknown): string {
  if (error instanceof BrokerError) return error.message.replace(/\.$/, '')

  const {name, Code} = error as {name?: string; Code?: string}
  return Code ?? name ?? 'unknown error'
}

export function linkCredentials(services: Services, link: TeamLink): AwsCredentials {
  return {
    accessKeyId: link.accessKeyId,
    secretAccessKey: services.config.keyRing.unseal(link.secretAccessKeySealed),
  }
}

function rethrowHeroku(error: unknown): never {
  if (error instanceof HerokuApiError) {
    throw new BrokerError(
      422,
      'heroku_refused',
      `${error.message}, so byo-s3 cannot tell which team owns the app. Try creating the add-on again.`,
      {cause: error},
    )
  }

  throw error
}

function replayFor(services: Services, resource: Resource): Reply {
  switch (resource.state) {
    case 'provisioned': {
      const config = configVarsFor({
        bucketName: resource.bucketName!,
        region: resource.region!,
        accessKeyId: resource.appAccessKeyId!,
        secretAccessKey: services.config.keyRing.unseal(resource.appSecretAccessKeySealed!),
      })
      return {status: 200, body: {id: resource.id, message: resource.message ?? '', config}}
    }

    case 'refused':
    case 'failed':
      return {status: 422, body: {message: resource.message ?? 'This add-on could not be created.'}}
    default:
      return {
        status: 410,
        body: {message: 'This add-on was deprovisioned; create a new one instead.'},
      }
  }
}
