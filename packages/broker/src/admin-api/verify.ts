import {type EvaluationResult, SimulatePrincipalPolicyCommand} from '@aws-sdk/client-iam'
import {whoAmI} from '../aws/identity.js'
import {describeAwsError} from '../aws/service-errors.js'
import type {Team} from '../heroku/platform.js'
import {linkCredentials} from '../provisioning/link-credentials.js'
import {headroomFor, refreshQuotaSnapshot} from '../provisioning/quota-check.js'
import type {Services} from '../services.js'
import {findTeamLink, markTeamLinkVerified} from '../storage/team-links.js'
import {notLinked} from './links.js'

/** What provisioning and deprovisioning call in the linked account, by resource. */
const NEEDED = {
  bucket: [
    's3:CreateBucket',
    's3:DeleteBucket',
    's3:ListBucket',
    's3:ListBucketVersions',
    's3:ListBucketMultipartUploads',
    's3:PutBucketPublicAccessBlock',
    's3:GetBucketPublicAccessBlock',
    's3:PutBucketOwnershipControls',
    's3:GetBucketOwnershipControls',
    's3:PutEncryptionConfiguration',
    's3:GetEncryptionConfiguration',
    's3:PutBucketPolicy',
    's3:GetBucketPolicy',
    's3:PutBucketTagging',
    's3:GetBucketTagging',
    's3:PutBucketVersioning',
    's3:GetBucketVersioning',
    's3:PutLifecycleConfiguration',
    's3:GetLifecycleConfiguration',
    's3:PutBucketCORS',
    's3:GetBucketCORS',
    's3:GetBucketObjectLockConfiguration',
  ],
  objects: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload'],
  user: [
    'iam:CreateUser',
    'iam:TagUser',
    'iam:GetUser',
    'iam:DeleteUser',
    'iam:PutUserPolicy',
    'iam:DeleteUserPolicy',
    'iam:ListUserPolicies',
    'iam:ListAttachedUserPolicies',
    'iam:DetachUserPolicy',
    'iam:CreateAccessKey',
    'iam:DeleteAccessKey',
    'iam:ListAccessKeys',
  ],
  // Recommended, not needed: without them the quota check before provisioning is skipped.
  account: ['iam:GetAccountSummary', 's3:ListAllMyBuckets'],
}

const RECOMMENDED = new Set(NEEDED.account)

/**
 * Checks a team's link now: the keys with STS, then each permission byo-s3 needs with IAM's
 * policy simulator, on resources named as byo-s3 names them. The simulator needs
 * iam:SimulatePrincipalPolicy on the linked identity; without it the keys are still checked.
 * It also counts the account's IAM users and buckets against their quotas (see quota-check).
 */
export async function verifyLink(services: Services, team: Team) {
  const link = await findTeamLink(services.pool, team.id)
  if (!link) throw notLinked(team)

  const credentials = linkCredentials(services, link)
  const identity = await whoAmI(services.aws, credentials)
  await markTeamLinkVerified(services.pool, team.id)
  const account = identity.accountId
  // The simulator matches real resource names against the policy's patterns, so one name of
  // each kind, as byo-s3 would make it, stands for all of them.
  const bucket = `arn:aws:s3:::${link.bucketPrefix}`
  const resources = {
    bucket: {pattern: `${bucket}-*`, example: `${bucket}-verify-example`},
    objects: {pattern: `${bucket}-*/*`, example: `${bucket}-verify-example/*`},
    user: {
      pattern: `arn:aws:iam::${account}:user/byo-s3/*`,
      example: `arn:aws:iam::${account}:user/byo-s3/byo-s3-verify-example`,
    },
    account: {pattern: '*', example: '*'},
  }

  const report = {
    team: {id: team.id, name: team.name},
    awsAccountId: account,
    arn: identity.arn,
    checkedAt: new Date().toISOString(),
    quotas: await quotasOf(services, credentials, team, account),
  }
  try {
    const permissions = []
    for (const [group, actions] of Object.entries(NEEDED) as [keyof typeof NEEDED, string[]][]) {
      const {pattern, example} = resources[group]
      const results = await simulate(services, credentials, identity.arn, actions, example)
      permissions.push(
        ...actions.map((action) => ({
          action,
          resource: pattern,
          allowed:
            results.find((result) => result.EvalActionName === action)?.EvalDecision === 'allowed',
          recommended: RECOMMENDED.has(action),
        })),
      )
    }

    const denied = permissions.filter((permission) => !permission.allowed)
    // `missing` keeps meaning "provisioning fails without these", as scripts read it.
    const missing = denied.filter((p) => !p.recommended).map((p) => p.action)
    const missingRecommended = denied.filter((p) => p.recommended).map((p) => p.action)
    return {
      ...report,
      permissionsChecked: true,
      reason: null,
      permissions,
      missing,
      missingRecommended,
    }
  } catch (error) {
    return {
      ...report,
      permissionsChecked: false,
      reason: describeAwsError(error),
      permissions: [],
      missing: [],
      missingRecommended: [],
    }
  }
}

/**
 * Counts the account's IAM users and buckets and keeps the counts, so an account already full
 * is refused on its first provision. Never fails the verification: it reports why instead.
 */
async function quotasOf(
  services: Services,
  credentials: ReturnType<typeof linkCredentials>,
  team: Team,
  awsAccountId: string,
) {
  try {
    const usage = await refreshQuotaSnapshot(services, services.pool, credentials, {
      teamId: team.id,
      awsAccountId,
    })
    return {
      checked: true,
      reason: null,
      iamUsers: headroomOf(usage.iamUsers, usage.iamUsersQuota),
      buckets: headroomOf(usage.buckets, usage.bucketsQuota),
      denied: usage.denied,
    }
  } catch (error) {
    return {
      checked: false,
      reason: describeAwsError(error),
      iamUsers: null,
      buckets: null,
      denied: [],
    }
  }
}

function headroomOf(used: number | null, quota: number | null) {
  if (used === null || quota === null) return null

  return {used, quota, remaining: quota - used, refusedBelow: headroomFor(quota)}
}

async function simulate(
  services: Services,
  credentials: ReturnType<typeof linkCredentials>,
  arn: string,
  actions: string[],
  resource: string,
): Promise<EvaluationResult[]> {
  const reply = await services.aws.iam(credentials).send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn,
      ActionNames: actions,
      ResourceArns: [resource],
      MaxItems: 1000,
    }),
  )
  return reply.EvaluationResults ?? []
}
