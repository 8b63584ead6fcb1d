/**
 * Runs the AWS layer against a real AWS account, or an S3-compatible service: provisions a bucket
 * and an IAM user the way the broker does, proves the app's key works on its own bucket and
 * nowhere else, and removes everything again. It creates real, billable resources for a minute
 * or two, so it only runs when given credentials; `npm test` never picks it up.
 */
import {randomUUID} from 'node:crypto'
import {performance} from 'node:perf_hooks'

import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3'

import {bucketNameFor} from '../src/aws/bucket-name.js'
import {createBucket} from '../src/aws/bucket-setup.js'
import {verifyBucketSettings} from '../src/aws/bucket-verify.js'
import {
  type AwsClients,
  type AwsCredentials,
  type AwsSettings,
  createAwsClients,
} from '../src/aws/clients.js'
import {deprovisionBucketAndUser, emptyAndDeleteBucket} from '../src/aws/deprovision.js'
import {whoAmI} from '../src/aws/identity.js'
import {provisionBucketAndUser, type ProvisionRequest} from '../src/aws/provision.js'
import {waitUntilKeyWorks} from '../src/aws/readiness.js'
import {describeAwsError, isAwsError} from '../src/aws/service-errors.js'
import {isBrokerError} from '../src/errors.js'

const DEFAULT_REGION = 'us-east-1'
const OBJECT_KEY = 'live-test/hello.txt'

const USAGE = `The live AWS suite was skipped: it needs credentials.

It creates a real S3 bucket and IAM user in the account, uses them, and deletes them again.
Set, for an IAM identity that may manage byo-s3-* buckets and IAM users under /byo-s3/:

  BYO_S3_LIVE_AWS_ACCESS_KEY_ID       its access key id
  BYO_S3_LIVE_AWS_SECRET_ACCESS_KEY   its secret access key

Optional:

  BYO_S3_LIVE_REGION                  the bucket's region (default ${DEFAULT_REGION})
  AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL_STS, or AWS_ENDPOINT_URL
                                      another endpoint, as for the broker
  S3_FORCE_PATH_STYLE=true            path-style S3 requests, as for the broker

Then run: npm run test:aws`

class StepFailed extends Error {}

/** Prints one line per step, with its time, and stops the run at the first failure. */
async function step<T>(name: string, work: () => Promise<T>, detail?: (result: T) => string) {
  const startedAt = performance.now()
  try {
    const result = await work()
    const extra = detail ? ` (${detail(result)})` : ''
    console.log(`✓ ${name}${extra} ${elapsedSince(startedAt)}`)
    return result
  } catch (error) {
    console.log(`✗ ${name} ${elapsedSince(startedAt)}\n    ${describeAwsError(error)}`)
    throw new StepFailed(name, {cause: error})
  }
}

/** Like `step`, but a failure is only reported, so every clean-up step gets its turn. */
async function cleanUp(name: string, work: () => Promise<void>): Promise<boolean> {
  try {
    await step(name, work)
    return true
  } catch {
    return false
  }
}

function elapsedSince(startedAt: number): string {
  return `${Math.round(performance.now() - startedAt)} ms`
}

async function liveSuite(clients: AwsClients, linked: AwsCredentials, region: string) {
  const {accountId} = await step(
    'whoAmI',
    () => whoAmI(clients, linked),
    (identity) => `account ${identity.accountId}, ${identity.arn}`,
  )

  const addonId = randomUUID()
  const request: ProvisionRequest = {
    addonId,
    accountId,
    region,
    bucketName: bucketNameFor('live-test'),
    iamUserName: `byo-s3-${addonId}`,
    tags: {'byo-s3:app-name': 'live-test'},
  }
  // A bucket in the same account that the app's key was never granted.
  const otherBucket = {
    addonId: randomUUID(),
    accountId,
    region,
    bucketName: bucketNameFor('live-test-other'),
  }
  const bucket = {bucketName: request.bucketName, region}
  console.log(`  bucket ${request.bucketName} in ${region}, IAM user ${request.iamUserName}`)

  let provisioned = false
  let otherCreated = false
  try {
    provisioned = true
    const appKey = await step('provisionBucketAndUser', () =>
      provisionBucketAndUser(clients, linked, request).catch((error: unknown) => {
        if (isSomeoneElses(error)) provisioned = false
        throw error
      }),
    )
    await step('verifyBucketSettings', () => verifyBucketSettings(clients, linked, request))
    await step(
      'waitUntilKeyWorks',
      () => waitUntilKeyWorks(clients, appKey, bucket),
      (probes) => `${probes} probes`,
    )

    await useTheBucket(clients.s3(appKey, region), request.bucketName, accountId)

    otherCreated = true
    await step('create a second bucket the app was not granted', () =>
      createBucket(clients, linked, otherBucket).catch((error: unknown) => {
        if (isSomeoneElses(error)) otherCreated = false
        throw error
      }),
    )
    await step('the app key is refused on the second bucket (AccessDenied)', () =>
      expectAccessDenied(clients.s3(appKey, region), otherBucket.bucketName),
    )

    await step('deprovisionBucketAndUser', () => deprovisionBucketAndUser(clients, linked, request))
    provisioned = false
  } finally {
    const cleanups: Promise<boolean>[] = []
    if (provisioned) {
      cleanups.push(
        cleanUp('clean up: deprovisionBucketAndUser', () =>
          deprovisionBucketAndUser(clients, linked, request),
        ),
      )
    }

    if (otherCreated) {
      cleanups.push(
        cleanUp('clean up: delete the second bucket', () =>
          emptyAndDeleteBucket(clients, linked, otherBucket),
        ),
      )
    }

    const results = await Promise.all(cleanups)
    if (results.includes(false)) {
      console.log(
        `  Check account ${accountId} for leftovers named ${request.bucketName}, ` +
          `${otherBucket.bucketName} and ${request.iamUserName}.`,
      )
    }
  }
}

// The bucket name turned out to belong to someone else, so clean-up must not touch it.
function isSomeoneElses(error: unknown): boolean {
  return isBrokerError(error) && ['bucket_name_taken', 'bucket_not_ours'].includes(error.id)
}

async function useTheBucket(
  s3: ReturnType<AwsClients['s3']>,
  bucketName: string,
  accountId: string,
) {
  const target = {Bucket: bucketName, ExpectedBucketOwner: accountId}
  const content = `byo-s3 live test ${new Date().toISOString()}`

  await step('PutObject with the app key', () =>
    s3.send(new PutObjectCommand({...target, Key: OBJECT_KEY, Body: content})),
  )
  await step('GetObject returns the same content', async () => {
    const reply = await s3.send(new GetObjectCommand({...target, Key: OBJECT_KEY}))
    const read = await reply.Body?.transformToString()
    if (read !== content) throw new Error(`GetObject returned ${JSON.stringify(read)}`)
  })
  await step('ListObjectsV2 sees the object', async () => {
    const reply = await s3.send(new ListObjectsV2Command(target))
    const keys = (reply.Contents ?? []).map((entry) => entry.Key)
    if (!keys.includes(OBJECT_KEY)) throw new Error(`ListObjectsV2 listed ${keys.join(', ')}`)
  })
  await step('DeleteObject', () => s3.send(new DeleteObjectCommand({...target, Key: OBJECT_KEY})))
}

async function expectAccessDenied(s3: ReturnType<AwsClients['s3']>, bucketName: string) {
  try {
    await s3.send(new PutObjectCommand({Bucket: bucketName, Key: OBJECT_KEY, Body: 'not allowed'}))
  } catch (error) {
    if (isAwsError(error, 'AccessDenied')) return

    throw error
  }

  throw new Error(`The app key could write to ${bucketName}, a bucket it was never granted`)
}

/** The endpoints and path style the broker's config would read from the same environment. */
function awsSettingsFrom(env: NodeJS.ProcessEnv): AwsSettings {
  // As in the broker's config, an empty variable counts as unset.
  const value = (name: string) => env[name] || undefined
  return {
    endpoints: {
      s3: value('AWS_ENDPOINT_URL_S3') ?? value('AWS_ENDPOINT_URL'),
      iam: value('AWS_ENDPOINT_URL_IAM') ?? value('AWS_ENDPOINT_URL'),
      sts: value('AWS_ENDPOINT_URL_STS') ?? value('AWS_ENDPOINT_URL'),
    },
    forcePathStyle: value('S3_FORCE_PATH_STYLE') === 'true',
  }
}

async function main(env: NodeJS.ProcessEnv): Promise<number> {
  const accessKeyId = env.BYO_S3_LIVE_AWS_ACCESS_KEY_ID
  const secretAccessKey = env.BYO_S3_LIVE_AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey) {
    console.log(USAGE)
    return 0
  }

  const region = env.BYO_S3_LIVE_REGION || DEFAULT_REGION
  const clients = createAwsClients(awsSettingsFrom(env))
  const startedAt = performance.now()
  try {
    await liveSuite(clients, {accessKeyId, secretAccessKey}, region)
    console.log(`\nThe live AWS suite passed in ${elapsedSince(startedAt)}.`)
    return 0
  } catch (error) {
    if (!(error instanceof StepFailed)) console.log(`✗ ${describeAwsError(error)}`)
    console.log(`\nThe live AWS suite failed after ${elapsedSince(startedAt)}.`)
    return 1
  } finally {
    clients.destroy()
  }
}

process.exitCode = await main(process.env)
