import type {RoleSetup} from './broker.js'
import {color} from './output.js'

export const ROLE_SETUP_FORMATS = ['json', 'cloudformation', 'cloudformation-json'] as const

export type RoleSetupFormat = (typeof ROLE_SETUP_FORMATS)[number]

/** The role setup as a file an admin can save: the two policies, or a CloudFormation template. */
export async function roleSetupText(setup: RoleSetup, format: RoleSetupFormat): Promise<string> {
  if (format === 'cloudformation-json') return JSON.stringify(setup.cloudFormation, null, 2)
  if (format === 'cloudformation') {
    // Loaded only here, so the other commands start without it.
    const {stringify} = await import('yaml')
    return stringify(setup.cloudFormation, {lineWidth: 0}).trimEnd()
  }

  const {brokerPrincipalArn, externalId, permissionsPolicy, roleName, rolePath, trustPolicy} = setup
  const policies = {
    roleName,
    rolePath,
    brokerPrincipalArn,
    externalId,
    trustPolicy,
    permissionsPolicy,
  }
  return JSON.stringify(policies, null, 2)
}

/** What to do with the printed setup; it goes to stderr, so stdout stays a clean file. */
export function roleSetupNextSteps(setup: RoleSetup, format: RoleSetupFormat): string {
  const team = setup.team.name
  const link = color.code(`heroku byo-s3:link --team ${team} --role-arn <role ARN>`)
  const renewed = setup.renewed
    ? `Team ${color.team(team)} has a new External ID; update the trust policy of its role before the next job runs. `
    : ''
  if (format === 'json') {
    return `${renewed}Create role ${setup.rolePath}${setup.roleName} with trustPolicy as its trust policy and permissionsPolicy as an inline policy, then run ${link}.`
  }

  const deploy = color.code(
    `aws cloudformation deploy --template-file byo-s3-role.${format === 'cloudformation' ? 'yaml' : 'json'} --stack-name ${setup.roleName} --capabilities CAPABILITY_NAMED_IAM`,
  )
  return `${renewed}Save the template and create the stack (${deploy}), then run ${link} with the stack's RoleArn output.`
}
