import {type EvaluationResult, SimulatePrincipalPolicyCommand} from '@aws-sdk/client-iam'
import {type AwsCredentials, isRole} from '../aws/clients.js'
import {whoAmI} from '../aws/identity.js'
import {type ActionGroup, LINK_ACTIONS, RECOMMENDED_ACTIONS} from '../aws/link-policy.js'
import {assumeTeamRole} from '../aws/role-access.js'
import {describeAwsError} from '../aws/service-errors.js'
import type {Team} from '../heroku/platform.js'
import {linkCredentials} from '../provisioning/link-credentials.js'
import {headroomFor, refreshQuotaSnapshot} from '../provisioning/quota-check.js'
import type {Services} from '../services.js'
import {findTeamLink, markTeamLinkVerified} from '../storage/team-links.js'
import {notLinked} from './links.js'

/**
 * Checks a team's link now: the keys with STS (or the role by assuming it), then each permission
 * byo-s3 needs. A role is checked as the role, since IAM's simulator does not take its sessions.
 * It also counts the account's IAM users and buckets against their quotas (see quota-check).
 */
export async function verifyLink(services: Services, team: Team) {
  const link = await findTeamLink(services.pool, team.id)
  if (!link) throw notLinked(team)

  const credentials = linkCredentials(services, link)
  if (isRole(credentials)) await assumeTeamRole(services.aws, credentials)
  const identity = await whoAmI(services.aws, credentials)
  await markTeamLinkVerified(services.pool, team.id)
  const principal = link.kind === 'role' ? link.roleArn : identity.arn
  const dryRun = await checkPermissions(services, credentials, {
    principalArn: principal,
    accountId: identity.accountId,
    bucketPrefix: link.bucketPrefix,
  })
  return {
    team: {id: team.id, name: team.name},
    kind: link.kind,
    roleArn: link.roleArn,
    awsAccountId: identity.accountId,
    arn: identity.arn,
    checkedAt: new Date().toISOString(),
    quotas: await quotasOf(services, credentials, team, identity.accountId),
    ...dryRun,
  }
}

/**
 * Each permission byo-s3 needs, through IAM's policy simulator, on resources named as byo-s3
 * names them. The simulator needs iam:SimulatePrincipalPolicy on the principal; without it the
 * answer says why nothing was checked.
 */
export async function checkPermissions(
  services: Services,
  credentials: AwsCredentials,
  {
    principalArn,
    accountId,
    bucketPrefix,
  }: {principalArn: string; accountId: string; bucketPrefix: string},
) {
  // The simulator matches real resource names against the policy's patterns, so one name of
  // each kind, as byo-s3 would make it, stands for all of them.
  const bucket = `arn:aws:s3:::${bucketPrefix}`
  const resources = {
    bucket: {pattern: `${bucket}-*`, example: `${bucket}-verify-example`},
    objects: {pattern: `${bucket}-*/*`, example: `${bucket}-verify-example/*`},
    user: {
      pattern: `arn:aws:iam::${accountId}:user/byo-s3/*`,
      example: `arn:aws:iam::${accountId}:user/byo-s3/byo-s3-verify-example`,
    },
    account: {pattern: '*', example: '*'},
  }

  try {
    const permissions = []
    for (const [group, actions] of Object.entries(LINK_ACTIONS) as [
      ActionGroup,
      readonly string[],
    ][]) {
      const {pattern, example} = resources[group]
      const results = await simulate(services, credentials, principalArn, actions, example)
      permissions.push(
        ...actions.map((action) => ({
          action,
          resource: pattern,
          recommended: RECOMMENDED_ACTIONS.has(action),
          allowed:
            results.find((result) => result.EvalActionName === action)?.EvalDecision === 'allowed',
        })),
      )
    }

    const denied = permissions.filter((permission) => !permission.allowed)
    // `missing` keeps meaning "provisioning fails without these", as scripts read it.
    const missing = denied.filter((p) => !p.recommended).map((p) => p.action)
    const missingRecommended = denied.filter((p) => p.recommended).map((p) => p.action)
    return {permissionsChecked: true, reason: null, permissions, missing, missingRecommended}
  } catch (error) {
    return {
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
  credentials: AwsCredentials,
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
  credentials: AwsCredentials,
  arn: string,
  actions: readonly string[],
  resource: string,
): Promise<EvaluationResult[]> {
  const reply = await services.aws.iam(credentials).send(
    new SimulatePrincipalPolicyCommand({
      PolicySourceArn: arn,
      ActionNames: [...actions],
      ResourceArns: [resource],
      MaxItems: 1000,
    }),
  )
  return reply.EvaluationResults ?? []
}
