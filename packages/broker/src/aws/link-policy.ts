import {USER_PATH} from './user-setup.js'

/**
 * What provisioning, deprovisioning, rotation, plan changes and the dashboard call in a linked
 * account, by the resource each action applies to. The dry run checks exactly these, and a role's
 * permissions policy grants exactly these (plus the dry run itself), nothing more.
 */
export const LINK_ACTIONS = {
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
  // Recommended, not needed: provisioning works without them, but skips its quota check, and the
  // drift doctor cannot list what the account holds.
  account: ['iam:GetAccountSummary', 's3:ListAllMyBuckets', 'iam:ListUsers', 'iam:ListUserTags'],
} as const

export const RECOMMENDED_ACTIONS: ReadonlySet<string> = new Set(LINK_ACTIONS.account)

export type ActionGroup = keyof typeof LINK_ACTIONS

/** Lets `byo-s3:verify` dry-run the actions above on the role itself. */
export const SIMULATE_ACTION = 'iam:SimulatePrincipalPolicy'

/** Roles made from the printed setup sit under the same path as the users the broker makes. */
export const ROLE_PATH = USER_PATH

/** A value, or a CloudFormation `Fn::Sub` that fills in the account the stack runs in. */
type Arn = string | {'Fn::Sub': string}

export interface Statement {
  Sid: string
  Effect: 'Allow'
  Action: string | string[]
  Resource?: Arn[]
  Principal?: {AWS: string}
  Condition?: Record<string, Record<string, string>>
}

export interface RoleSetup {
  roleName: string
  rolePath: string
  brokerPrincipalArn: string
  externalId: string
  trustPolicy: {Version: '2012-10-17'; Statement: Statement[]}
  permissionsPolicy: {Version: '2012-10-17'; Statement: Statement[]}
  cloudFormation: Record<string, unknown>
}

/**
 * The role an admin creates for a team: trusted by the broker's principal only with the team's
 * External ID, and allowed only what byo-s3 calls, on buckets named `<prefix>-*` and on IAM users
 * and the role itself under `/byo-s3/`.
 */
export function roleSetupFor({
  teamName,
  bucketPrefix,
  brokerPrincipalArn,
  externalId,
}: {
  teamName: string
  bucketPrefix: string
  brokerPrincipalArn: string
  externalId: string
}): RoleSetup {
  const roleName = `byo-s3-${teamName}`.slice(0, 64)
  const trustPolicy = {
    Version: '2012-10-17' as const,
    Statement: [
      {
        Sid: 'ByoS3Broker',
        Effect: 'Allow' as const,
        Principal: {AWS: brokerPrincipalArn},
        Action: 'sts:AssumeRole',
        Condition: {StringEquals: {'sts:ExternalId': externalId}},
      },
    ],
  }
  // In the JSON policy `*` stands for the account: an IAM policy only ever grants rights in its
  // own account. The template names the account through CloudFormation.
  const permissions = (account: (arn: string) => Arn) => ({
    Version: '2012-10-17' as const,
    Statement: permissionStatements(bucketPrefix, roleName, account),
  })

  return {
    roleName,
    rolePath: ROLE_PATH,
    brokerPrincipalArn,
    externalId,
    trustPolicy,
    permissionsPolicy: permissions((arn) => arn.replace('${AWS::AccountId}', '*')),
    cloudFormation: {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `A role byo-s3 assumes to create and delete S3 buckets for team ${teamName}`,
      Resources: {
        ByoS3Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: roleName,
            Path: ROLE_PATH,
            AssumeRolePolicyDocument: trustPolicy,
            Policies: [{PolicyName: 'byo-s3-provisioning', PolicyDocument: permissions(sub)}],
          },
        },
      },
      Outputs: {
        RoleArn: {
          Description: 'Link the team with: heroku byo-s3:link --role-arn <this value>',
          Value: {'Fn::GetAtt': ['ByoS3Role', 'Arn']},
        },
      },
    },
  }
}

function permissionStatements(
  bucketPrefix: string,
  roleName: string,
  account: (arn: string) => Arn,
): Statement[] {
  const iam = (kind: string) => account(`arn:aws:iam::\${AWS::AccountId}:${kind}${ROLE_PATH}`)
  return [
    {
      Sid: 'ByoS3Buckets',
      Effect: 'Allow',
      Action: [...LINK_ACTIONS.bucket],
      Resource: [`arn:aws:s3:::${bucketPrefix}-*`],
    },
    {
      Sid: 'ByoS3Objects',
      Effect: 'Allow',
      Action: [...LINK_ACTIONS.objects],
      Resource: [`arn:aws:s3:::${bucketPrefix}-*/*`],
    },
    {
      Sid: 'ByoS3Users',
      Effect: 'Allow',
      Action: [...LINK_ACTIONS.user],
      Resource: [withSuffix(iam('user'), '*')],
    },
    {
      // Account-wide counts have no narrower resource: IAM grants these on "*" only.
      Sid: 'ByoS3Account',
      Effect: 'Allow',
      Action: [...LINK_ACTIONS.account],
      Resource: ['*'],
    },
    {
      Sid: 'ByoS3Verify',
      Effect: 'Allow',
      Action: SIMULATE_ACTION,
      Resource: [withSuffix(iam('role'), roleName)],
    },
  ]
}

function sub(arn: string): Arn {
  return {'Fn::Sub': arn}
}

function withSuffix(arn: Arn, suffix: string): Arn {
  return typeof arn === 'string' ? arn + suffix : {'Fn::Sub': arn['Fn::Sub'] + suffix}
}
