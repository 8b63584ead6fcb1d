import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {expect} from 'chai'

import {LINK_ACTIONS, roleSetupFor, SIMULATE_ACTION} from '../../src/aws/link-policy.js'

const SOURCE = fileURLToPath(new URL('../../src', import.meta.url))

/**
 * The IAM actions each SDK command the broker sends needs. Several are named differently from
 * their command, and a few need a second action for a parameter the broker passes.
 */
const ACTIONS_OF_COMMAND: Record<string, string[]> = {
  AbortMultipartUpload: ['s3:AbortMultipartUpload'],
  // ObjectOwnership on CreateBucket needs the ownership-controls right too.
  CreateBucket: ['s3:CreateBucket', 's3:PutBucketOwnershipControls'],
  DeleteBucket: ['s3:DeleteBucket'],
  DeleteBucketCors: ['s3:PutBucketCORS'],
  // Deleting by version id, as emptying a bucket does, needs DeleteObjectVersion.
  DeleteObjects: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
  GetBucketCors: ['s3:GetBucketCORS'],
  GetBucketEncryption: ['s3:GetEncryptionConfiguration'],
  GetBucketLifecycleConfiguration: ['s3:GetLifecycleConfiguration'],
  GetBucketOwnershipControls: ['s3:GetBucketOwnershipControls'],
  GetBucketPolicy: ['s3:GetBucketPolicy'],
  GetBucketTagging: ['s3:GetBucketTagging'],
  PutBucketOwnershipControls: ['s3:PutBucketOwnershipControls'],
  GetBucketVersioning: ['s3:GetBucketVersioning'],
  GetObjectLockConfiguration: ['s3:GetBucketObjectLockConfiguration'],
  GetPublicAccessBlock: ['s3:GetBucketPublicAccessBlock'],
  HeadBucket: ['s3:ListBucket'],
  ListMultipartUploads: ['s3:ListBucketMultipartUploads'],
  ListObjectVersions: ['s3:ListBucketVersions'],
  ListObjectsV2: ['s3:ListBucket'],
  PutBucketCors: ['s3:PutBucketCORS'],
  PutBucketEncryption: ['s3:PutEncryptionConfiguration'],
  PutBucketLifecycleConfiguration: ['s3:PutLifecycleConfiguration'],
  PutBucketPolicy: ['s3:PutBucketPolicy'],
  PutBucketTagging: ['s3:PutBucketTagging'],
  PutBucketVersioning: ['s3:PutBucketVersioning'],
  PutPublicAccessBlock: ['s3:PutBucketPublicAccessBlock'],
  CreateAccessKey: ['iam:CreateAccessKey'],
  // Tags in the CreateUser call need TagUser as well.
  CreateUser: ['iam:CreateUser', 'iam:TagUser'],
  DeleteAccessKey: ['iam:DeleteAccessKey'],
  DeleteUser: ['iam:DeleteUser'],
  DeleteUserPolicy: ['iam:DeleteUserPolicy'],
  DetachUserPolicy: ['iam:DetachUserPolicy'],
  ListAccessKeys: ['iam:ListAccessKeys'],
  GetAccountSummary: ['iam:GetAccountSummary'],
  ListBuckets: ['s3:ListAllMyBuckets'],
  ListUsers: ['iam:ListUsers'],
  ListUserTags: ['iam:ListUserTags'],
  ListAttachedUserPolicies: ['iam:ListAttachedUserPolicies'],
  ListUserPolicies: ['iam:ListUserPolicies'],
  PutUserPolicy: ['iam:PutUserPolicy'],
  SimulatePrincipalPolicy: ['iam:SimulatePrincipalPolicy'],
  // GetCallerIdentity needs no permission, and AssumeRole is the broker's own right.
  GetCallerIdentity: [],
  AssumeRole: [],
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {withFileTypes: true, recursive: true})
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
}

/** Every command the broker's code sends, by `new XCommand(` or `paginateX(`. */
async function commandsCalled(): Promise<Set<string>> {
  const commands = new Set<string>()
  for (const file of await sourceFiles(SOURCE)) {
    const text = await readFile(file, 'utf8')
    for (const [, name] of text.matchAll(/\bnew ([A-Z]\w*)Command\(/g)) commands.add(name)
    for (const [, name] of text.matchAll(/\bpaginate([A-Z]\w*)\(/g)) commands.add(name)
  }
  return commands
}

async function actionsCalled(): Promise<Set<string>> {
  const commands = [...(await commandsCalled())]
  const unmapped = commands.filter((command) => !(command in ACTIONS_OF_COMMAND))
  expect(unmapped, 'commands missing from the mapping table').to.deep.equal([])
  return new Set(commands.flatMap((command) => ACTIONS_OF_COMMAND[command]))
}

describe('the permissions a link needs', () => {
  it('finds the commands the broker sends', async () => {
    const commands = await commandsCalled()

    expect([...commands]).to.include.members(['CreateBucket', 'ListUserPolicies', 'AssumeRole'])
  })

  it('prints a role policy with exactly the actions the broker’s code calls', async () => {
    const {permissionsPolicy} = roleSetupFor({
      teamName: 'acme',
      bucketPrefix: 'byo-s3',
      brokerPrincipalArn: 'arn:aws:iam::444455556666:role/broker',
      externalId: 'x'.repeat(64),
    })

    const granted = permissionsPolicy.Statement.flatMap((statement) => [statement.Action].flat())

    expect(new Set(granted)).to.deep.equal(await actionsCalled())
    expect(granted).to.have.length(new Set(granted).size)
  })

  it('dry-runs exactly those actions for a key link, apart from the dry run itself', async () => {
    const checked = Object.values(LINK_ACTIONS).flat()

    expect(new Set([...checked, SIMULATE_ACTION])).to.deep.equal(await actionsCalled())
  })

  it('grants bucket actions on buckets and object actions on objects only', () => {
    const {permissionsPolicy} = roleSetupFor({
      teamName: 'acme',
      bucketPrefix: 'acme-data',
      brokerPrincipalArn: 'arn:aws:iam::444455556666:role/broker',
      externalId: 'x'.repeat(64),
    })

    const [buckets, objects] = permissionsPolicy.Statement
    expect(buckets.Resource).to.deep.equal(['arn:aws:s3:::acme-data-*'])
    expect(objects.Resource).to.deep.equal(['arn:aws:s3:::acme-data-*/*'])
    expect(objects.Action).to.deep.equal([
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:AbortMultipartUpload',
    ])
  })
})
