import type {FastifyBaseLogger as Logger} from 'fastify'
import type {PoolClient} from 'pg'
import {bucketNameFor} from '../aws/bucket-name.js'
import {BrokerError} from '../errors.js'
import {HerokuApiError} from '../heroku/http.js'
import {PROVISION} from '../jobs/queue.js'
import {planNamed} from '../plans/catalogue.js'
import type {Services} from '../services.js'
import {withResourceLock} from '../storage/resource-lock.js'
import {
  findResource,
  isBucketInUse,
  recordResource,
  recordStep,
  type Resource,
  updateResource,
} from '../storage/resources.js'
import {findTeamLink} from '../storage/team-links.js'
import {type BucketChoice, chooseBucket} from './bucket-choice.js'
import {parseOptions} from './options.js'
import {refuseFromSnapshot} from './quota-check.js'

export interface ProvisionRequest {
  uuid: string
  name?: string
  plan?: string
  region?: string
  /** From `heroku addons:create byo-s3 -- --name value`, or app.json: names to strings. */
  options?: Record<string, unknown> | null
  oauth_grant?: {code: string} | null
}

export interface Reply {
  status: number
  body: {id?: string; message: string}
}

/**
 * The request part of provisioning, which Heroku must get an answer to within seconds: record
 * the request under its uuid, check its plan and options, exchange the grant, find the app's
 * team and its AWS link, settle the bucket's name, region and settings under the team's
 * policy, refuse an account the last quota snapshot shows as full, and queue the job that does the AWS work. Everything a user can fix is refused here
 * with 422. A repeated request gets the same reply and queues nothing new.
 */
export async function acceptProvision(
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
    if (resource.state !== 'provisioning') return replyFor(resource)
    if (resource.steps.includes('accepted')) {
      // Queue the job again: the first request may have died between recording and queueing.
      // Repeats fold into the waiting job, and a job that runs twice resumes, never redoes.
      await services.jobs.send(PROVISION, resource.id)
      return replyFor(resource)
    }

    try {
      return await accept(services, db, resource, request, log)
    } catch (error) {
      if (!(error instanceof BrokerError) || error.status >= 500) throw error

      await updateResource(db, resource.id, {state: 'refused', message: error.message})
      log.info({addonId: resource.id, reason: error.id}, 'provision refused')
      return {status: error.status, body: {message: error.message}}
    }
  })
}

async function accept(
  services: Services,
  db: PoolClient,
  resource: Resource,
  request: ProvisionRequest,
  log: Logger,
): Promise<Reply> {
  // Checked before Heroku is asked anything: a mistyped option costs no grant.
  const plan = planNamed(request.plan)
  const {texts: options} = parseOptions(request.options)
  const token = await exchangeGrant(services, db, resource, request)
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

  const choice = chooseBucket({
    plan,
    options,
    link,
    teamName: team.name,
    herokuRegion: request.region,
  })
  const bucketName = choice.adoptedBucket ?? bucketNameFor(app.name, {prefix: link.bucketPrefix})
  if (choice.adoptedBucket) await refuseBucketInUse(db, choice.adoptedBucket, resource.id)
  await refuseFromSnapshot(db, {
    teamId: team.id,
    teamName: team.name,
    awsAccountId: link.awsAccountId,
    adopting: choice.adoptedBucket !== null,
  })
  await recordAccepted(db, resource.id, choice, {
    plan: plan.slug,
    region: choice.region,
    teamId: team.id,
    teamName: team.name,
    appId: app.id,
    appName: app.name,
    awsAccountId: link.awsAccountId,
    bucketName,
    iamUserName: `byo-s3-${resource.id}`,
  })
  await services.jobs.send(PROVISION, resource.id)
  log.info({addonId: resource.id, teamId: team.id}, 'provision accepted')
  return replyFor((await findResource(db, resource.id))!)
}

async function refuseBucketInUse(db: PoolClient, bucketName: string, id: string) {
  if (await isBucketInUse(db, bucketName, id)) throw bucketInUse(bucketName)
}

type Accepted = Parameters<typeof recordStep>[3]

// The unique index on live buckets settles two adoptions of one bucket racing each other.
async function recordAccepted(db: PoolClient, id: string, choice: BucketChoice, fields: Accepted) {
  const {options, settings, adoptedBucket} = choice
  try {
    await recordStep(db, id, 'accepted', {
      ...fields,
      options,
      settings,
      adopted: adoptedBucket !== null,
    })
  } catch (error) {
    const {code, constraint} = error as {code?: string; constraint?: string}
    if (code === '23505' && constraint === 'resources_live_bucket_name' && adoptedBucket) {
      throw bucketInUse(adoptedBucket)
    }

    throw error
  }
}

function bucketInUse(bucketName: string): BrokerError {
  return new BrokerError(
    422,
    'bucket_in_use',
    `Bucket ${bucketName} is already used by another byo-s3 add-on. A bucket can serve one ` +
      'add-on at a time: destroy that add-on first, or leave out --bucket for a new bucket.',
  )
}

async function exchangeGrant(
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

function rethrowHeroku(error: unknown): never {
  if (error instanceof HerokuApiError && error.status < 500) {
    throw new BrokerError(
      422,
      'heroku_refused',
      `${error.message}, so byo-s3 cannot tell which team owns the app. ` +
        'Try creating the add-on again.',
      {cause: error},
    )
  }

  throw error
}

/** The answer for a uuid already seen, rebuilt from what was stored: the same every time. */
function replyFor(resource: Resource): Reply {
  switch (resource.state) {
    case 'provisioning':
    case 'provisioned':
    case 'failed': {
      const what = resource.adopted
        ? `Adopting bucket ${resource.bucketName} of AWS account ${resource.awsAccountId} as it is`
        : `Creating bucket ${resource.bucketName} in ${resource.region} in AWS account ` +
          `${resource.awsAccountId}`
      return {
        status: 202,
        body: {id: resource.id, message: `${what}. Its config vars are set when it is ready.`},
      }
    }
    case 'refused':
      return {status: 422, body: {message: resource.message ?? 'This add-on was refused.'}}
    default:
      return {
        status: 410,
        body: {message: 'This add-on was deprovisioned; create a new one instead.'},
      }
  }
}
