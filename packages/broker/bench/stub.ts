/*
 * One loopback HTTP server that stands in for everything the broker and the CLI plugin call:
 * Heroku's identity host and Platform API (stub-heroku.ts), and S3, IAM and STS (path-style S3,
 * awsQuery forms for IAM and STS). It answers at once, so what a benchmark measures is the
 * broker's own work, and it records every request, in order, as an operation name
 * (`s3:CreateBucket`, `heroku:GET /addons/:id`) with the status it answered. Its Platform API
 * knows one user, USER of fixtures.ts, who sees the teams of USER_TEAMS. IAM keeps each user's
 * access keys, two at most, and S3 refuses a key once it is deleted.
 *
 * The provision benchmark runs it in a child process of its own (see stub-child.ts); the CLI
 * benchmark and the plugin's tests run it in their own process, next to the broker.
 */
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'
import {
  deletedObjects,
  deleteObjectsResultXml,
  elements,
  encryptionXml,
  listMultipartUploadsXml,
  listObjectsV2Xml,
  ownershipControlsXml,
  publicAccessBlockXml,
  queryError,
  queryResult,
  s3Error,
  sentTags,
  STS_NAMESPACE,
  taggingXml,
  tagsOf,
  versioningXml,
} from '../test/helpers/aws-xml.js'
import {s3Operation} from '../test/helpers/s3-operation.js'
import {ACCOUNT_ID} from './fixtures.js'
import {addAddon, addonConfig, heroku, type HerokuState, newHerokuState} from './stub-heroku.js'
import {ETAG, keyOfToken, ObjectStore, type Versioning} from './stub-s3-objects.js'

export interface Answer {
  status?: number
  body?: string
  type?: string
  headers?: Record<string, string>
}

export interface Call {
  method: string
  url: URL
  headers: IncomingMessage['headers']
  body: string
}

export interface Routed {
  operation: string
  answer: Answer
}

/** A request the stub answered: its operation, its path and the status it was answered with. */
export interface StubCall {
  operation: string
  path: string
  /** 0 when the stub cut the connection instead of answering. */
  status: number
}

/**
 * A failure the stub serves instead of handling a request, which then changes nothing: an
 * answer (a throttling or 5xx error), or, without one, a connection cut before any answer.
 * With `lost`, the request is handled and only its answer is lost: the connection is cut after.
 */
export interface Fault {
  operation: string
  answer?: Answer
  lost?: boolean
}

export interface StubOptions {
  /** Asked before each request is handled; what it returns is served instead. */
  fault?: (call: Call) => Fault | undefined
  /** Delays every S3 answer by this long, as a round trip to S3 would. */
  s3LatencyMs?: number
}

/** What the stub's AWS account holds: bucket names, IAM user names and each user's key ids. */
export interface AwsHoldings {
  buckets: string[]
  users: string[]
  accessKeys: Record<string, string[]>
}

export interface Stub {
  url: string
  /** Records a byo-s3 add-on on `app`, as Heroku does before it asks the broker to provision it. */
  addAddon(addon: {id: string; name: string; app: {id: string; name: string}}): void
  /** The add-on's config vars as Heroku holds them, secrets included. */
  addonConfig(addonId: string): Record<string, string>
  aws(): AwsHoldings
  /** Every request since the start or the last reset, in order. */
  calls(): StubCall[]
  reset(): void
  /**
   * Creates `bucket` anew holding `objects` keys of `versionsPerKey` versions each, straight in
   * its store rather than through PutObject, so that filling it takes no time worth measuring.
   */
  fill(bucket: string, options: FillOptions): void
  close(): Promise<void>
}

export interface FillOptions {
  objects: number
  versionsPerKey: number
  versioning: Versioning
}

interface State {
  /** Per bucket, only what a read-back must echo. */
  buckets: Map<string, StubBucket>
  issuedKeys: number
  /** Each IAM user's path and tags, for the listings the drift check reads. */
  users: Map<string, {path: string; tags: Record<string, string>; policies: Set<string>}>
  /** Each IAM user's access key ids, oldest first. */
  accessKeys: Map<string, string[]>
  /** Keys the stub issued and then deleted: S3 refuses them. */
  deletedKeys: Set<string>
  heroku: HerokuState
}

interface StubBucket {
  tags: Record<string, string>
  policy?: string
  lifecycle?: string
  objects: ObjectStore
}

/** Keys `objects/0000000` onwards, in their listing order. */
function fill(state: State, bucketName: string, options: FillOptions): void {
  const objects = new ObjectStore(options.versioning)
  const width = String(options.objects).length
  for (let n = 0; n < options.objects; n++) {
    const key = `objects/${String(n).padStart(width, '0')}`
    for (let v = 0; v < options.versionsPerKey; v++) objects.put(key)
  }

  state.buckets.set(bucketName, {tags: {}, objects})
}

// `Credential=AKID/20260102/us-east-1/s3/aws4_request`: the signing scope names the service.
const SIGNING_SCOPE = /Credential=([^/]+)\/\d{8}\/[^/]+\/([a-z0-9-]+)\/aws4_request/

function route(state: State, call: Call): Routed {
  const [, keyId, service] = SIGNING_SCOPE.exec(call.headers.authorization ?? '') ?? []
  if (service === 's3') return s3(state, keyId, call)
  if (service === 'iam' || service === 'sts') return awsQuery(state, service, call)

  return heroku(state.heroku, call)
}

function s3(state: State, keyId: string, {method, url, body}: Call): Routed {
  const [, bucketName = '', ...rest] = url.pathname.split('/')
  // Path-style: a GET of the service's root lists the account's buckets.
  const name =
    bucketName === '' && method === 'GET'
      ? 'ListBuckets'
      : s3Operation({method, path: `/${rest.join('/')}`, query: url.searchParams})
  if (state.deletedKeys.has(keyId)) {
    const refusal = s3Error(
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    )
    return {operation: `s3:${name}`, answer: {status: 403, body: refusal, type: 'application/xml'}}
  }

  const key = decodeURIComponent(rest.join('/'))
  return {operation: `s3:${name}`, answer: s3Answer(state, name, bucketName, key, url, body)}
}

function s3Answer(
  {buckets}: State,
  operation: string,
  bucketName: string,
  key: string,
  url: URL,
  body: string,
): Answer {
  const xml = (text: string) => ({body: text, type: 'application/xml'})
  const missing = (code: string) => ({status: 404, ...xml(s3Error(code))})
  if (operation === 'ListBuckets') return xml(bucketListXml(buckets, url))
  if (operation === 'CreateBucket') {
    if (!buckets.has(bucketName)) buckets.set(bucketName, {tags: {}, objects: new ObjectStore()})
    return {headers: {location: `/${bucketName}`}}
  }

  const bucket = buckets.get(bucketName)
  if (!bucket) return missing('NoSuchBucket')

  switch (operation) {
    case 'PutBucketTagging':
      bucket.tags = sentTags(body)
      return {status: 204}
    case 'GetBucketTagging':
      return Object.keys(bucket.tags).length > 0
        ? xml(taggingXml(bucket.tags))
        : missing('NoSuchTagSet')
    case 'PutPublicAccessBlock':
    case 'PutBucketEncryption':
      return {}
    case 'PutBucketPolicy':
      bucket.policy = body
      return {status: 204}
    case 'GetPublicAccessBlock':
      return xml(
        publicAccessBlockXml({
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        }),
      )
    case 'GetBucketOwnershipControls':
      return xml(ownershipControlsXml('BucketOwnerEnforced'))
    case 'GetBucketEncryption':
      return xml(encryptionXml('AES256'))
    case 'GetBucketPolicy':
      return bucket.policy
        ? {body: bucket.policy, type: 'application/json'}
        : missing('NoSuchBucketPolicy')
    case 'PutBucketLifecycleConfiguration':
      bucket.lifecycle = body
      return {}
    case 'GetBucketLifecycleConfiguration':
      return bucket.lifecycle ? xml(bucket.lifecycle) : missing('NoSuchLifecycleConfiguration')
    case 'GetBucketVersioning':
      return xml(versioningXml(bucket.objects.versioning, false))
    case 'ListObjectsV2': {
      const {searchParams} = url
      const token = searchParams.get('continuation-token')
      const after = token ? keyOfToken(token) : (searchParams.get('start-after') ?? '')
      return bucket.objects.size === 0
        ? xml(listObjectsV2Xml(bucketName, [], Number(searchParams.get('max-keys') ?? 1000)))
        : xml(bucket.objects.listObjectsXml(bucketName, after, searchParams.get('prefix') ?? ''))
    }
    case 'ListObjectVersions': {
      const {searchParams} = url
      const keyMarker = searchParams.get('key-marker') ?? ''
      const versionIdMarker = searchParams.get('version-id-marker') ?? ''
      return xml(bucket.objects.listVersionsXml(bucketName, keyMarker, versionIdMarker))
    }
    case 'ListMultipartUploads':
      return xml(listMultipartUploadsXml(bucketName, []))
    case 'PutObject': {
      const versionId = bucket.objects.put(key)
      return {headers: {etag: ETAG, 'x-amz-version-id': versionId}}
    }
    case 'DeleteObject': {
      const versionId = url.searchParams.get('versionId') ?? undefined
      const deleted = bucket.objects.delete(key, versionId)
      const headers: Record<string, string> = {}
      if (deleted.versionId) headers['x-amz-version-id'] = deleted.versionId
      if (deleted.deleteMarker) headers['x-amz-delete-marker'] = 'true'
      return {status: 204, headers}
    }
    case 'DeleteObjects': {
      const objects = deletedObjects(body)
      if (objects.length > 1000) return {status: 400, ...xml(s3Error('MalformedXML'))}

      const deleted = objects.map(({key, versionId}) => ({
        key,
        ...bucket.objects.delete(key, versionId),
      }))
      return xml(
        body.includes('<Quiet>true</Quiet>') ? deleteObjectsResultXml() : deletedXml(deleted),
      )
    }
    case 'DeleteBucket':
      if (bucket.objects.size > 0) return {status: 409, ...xml(s3Error('BucketNotEmpty'))}

      buckets.delete(bucketName)
      return {status: 204}
    default:
      return {status: 501, ...xml(s3Error('NotImplemented', `${operation} is not stubbed`))}
  }
}

// Every bucket in one page, all in us-east-1, filtered by the prefix asked for.
function bucketListXml(buckets: State['buckets'], url: URL): string {
  const prefix = url.searchParams.get('prefix') ?? ''
  const entries = [...buckets.keys()]
    .filter((name) => name.startsWith(prefix))
    .map(
      (name) =>
        `<Bucket>${elements({Name: name, CreationDate: new Date().toISOString(), BucketRegion: 'us-east-1'})}</Bucket>`,
    )
  return (
    '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Owner><ID>owner</ID></Owner><Buckets>${entries.join('')}</Buckets></ListAllMyBucketsResult>`
  )
}

/** A DeleteObjects reply that names every deleted key, as S3 sends when not asked to be quiet. */
function deletedXml(deleted: {key: string; versionId?: string; deleteMarker: boolean}[]): string {
  const entries = deleted.map(
    ({key, versionId, deleteMarker}) =>
      `<Deleted>${elements({Key: key, VersionId: versionId, DeleteMarker: deleteMarker || undefined})}</Deleted>`,
  )
  return deleteObjectsResultXml().replace('</DeleteResult>', `${entries.join('')}</DeleteResult>`)
}

function awsQuery(state: State, service: 'iam' | 'sts', {body}: Call): Routed {
  const params = Object.fromEntries(new URLSearchParams(body))
  const action = params.Action ?? '(no Action)'
  const ok = (inner = '') => ({body: queryResult(action, inner), type: 'text/xml'})
  const refuse = (status: number, code: string, message: string) => ({
    status,
    body: queryError(code, message),
    type: 'text/xml',
  })
  const keys = state.accessKeys.get(params.UserName) ?? []
  const answers: Record<string, () => Answer> = {
    CreateUser: () => {
      if (state.users.has(params.UserName)) {
        return refuse(
          409,
          'EntityAlreadyExists',
          `User with name ${params.UserName} already exists.`,
        )
      }

      state.users.set(params.UserName, {
        path: params.Path ?? '/',
        tags: tagsOf(params),
        policies: new Set(),
      })
      return ok(
        `<User>${elements({
          Path: params.Path,
          UserName: params.UserName,
          UserId: 'AIDABENCHUSER0000001',
          Arn: `arn:aws:iam::${ACCOUNT_ID}:user${params.Path ?? '/'}${params.UserName}`,
          CreateDate: new Date().toISOString(),
        })}</User>`,
      )
    },
    PutUserPolicy: () => {
      const user = state.users.get(params.UserName)
      if (!user) return refuse(404, 'NoSuchEntity', `The user ${params.UserName} cannot be found.`)

      user.policies.add(params.PolicyName)
      return ok()
    },
    ListUserPolicies: () => {
      const names = [...(state.users.get(params.UserName)?.policies ?? [])]
      const members = names.map((name) => `<member>${name}</member>`)
      return ok(`<PolicyNames>${members.join('')}</PolicyNames><IsTruncated>false</IsTruncated>`)
    },
    ListAttachedUserPolicies: () =>
      ok('<AttachedPolicies></AttachedPolicies><IsTruncated>false</IsTruncated>'),
    DeleteUserPolicy: () => {
      state.users.get(params.UserName)?.policies.delete(params.PolicyName)
      return ok()
    },
    // As IAM does, a user with keys or policies left cannot be deleted.
    DeleteUser: () => {
      const user = state.users.get(params.UserName)
      if (!user) return refuse(404, 'NoSuchEntity', `The user ${params.UserName} cannot be found.`)
      if (keys.length > 0 || user.policies.size > 0) {
        return refuse(409, 'DeleteConflict', 'Cannot delete entity, must delete policies first.')
      }

      state.users.delete(params.UserName)
      state.accessKeys.delete(params.UserName)
      return ok()
    },
    GetAccountSummary: () => {
      const entries = {Users: state.accessKeys.size, UsersQuota: 5000}
      const members = Object.entries(entries).map(
        ([key, value]) => `<entry>${elements({key, value})}</entry>`,
      )
      return ok(`<SummaryMap>${members.join('')}</SummaryMap>`)
    },
    // One page of every user under the path.
    ListUsers: () => {
      const members = [...state.users]
        .filter(([, user]) => user.path.startsWith(params.PathPrefix ?? '/'))
        .map(([UserName, {path}]) => {
          const Arn = `arn:aws:iam::${ACCOUNT_ID}:user${path}${UserName}`
          const fields = {Path: path, UserName, UserId: 'AIDABENCHUSER0000001', Arn}
          return `<member>${elements({...fields, CreateDate: new Date().toISOString()})}</member>`
        })
      return ok(`<Users>${members.join('')}</Users><IsTruncated>false</IsTruncated>`)
    },
    ListUserTags: () => {
      const tags = Object.entries(state.users.get(params.UserName)?.tags ?? {})
      const members = tags.map(([Key, Value]) => `<member>${elements({Key, Value})}</member>`)
      return ok(`<Tags>${members.join('')}</Tags><IsTruncated>false</IsTruncated>`)
    },
    ListAccessKeys: () => {
      const members = keys.map((keyId) => {
        const fields = {UserName: params.UserName, AccessKeyId: keyId, Status: 'Active'}
        return `<member>${elements(fields)}</member>`
      })
      return ok(
        `<AccessKeyMetadata>${members.join('')}</AccessKeyMetadata><IsTruncated>false</IsTruncated>`,
      )
    },
    // IAM allows a user two keys.
    CreateAccessKey: () => {
      if (keys.length >= 2) {
        return refuse(409, 'LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2')
      }

      const issued = ++state.issuedKeys
      const keyId = `AKIABENCH${String(issued).padStart(11, '0')}`
      state.accessKeys.set(params.UserName, [...keys, keyId])
      const key = elements({
        UserName: params.UserName,
        AccessKeyId: keyId,
        Status: 'Active',
        SecretAccessKey: `bench-app-secret-${issued}`,
        CreateDate: new Date().toISOString(),
      })
      return ok(`<AccessKey>${key}</AccessKey>`)
    },
    DeleteAccessKey: () => {
      const keyId = params.AccessKeyId
      if (!keys.includes(keyId)) {
        return refuse(404, 'NoSuchEntity', `The Access Key with id ${keyId} cannot be found.`)
      }

      const kept = keys.filter((id) => id !== keyId)
      state.accessKeys.set(params.UserName, kept)
      state.deletedKeys.add(keyId)
      return ok()
    },
    GetCallerIdentity: () => ({
      body: queryResult(
        action,
        elements({
          UserId: 'AIDABENCHLINKER00001',
          Account: ACCOUNT_ID,
          Arn: `arn:aws:iam::${ACCOUNT_ID}:user/linker`,
        }),
        STS_NAMESPACE,
      ),
      type: 'text/xml',
    }),
    // The linked identity may do everything byo-s3 needs.
    SimulatePrincipalPolicy: () => {
      const results = Object.entries(params)
        .filter(([name]) => name.startsWith('ActionNames.member.'))
        .map(
          ([, actionName]) =>
            `<member>${elements({
              EvalActionName: actionName,
              EvalResourceName: params['ResourceArns.member.1'],
              EvalDecision: 'allowed',
            })}</member>`,
        )
      return ok(
        `<EvaluationResults>${results.join('')}</EvaluationResults><IsTruncated>false</IsTruncated>`,
      )
    },
  }
  const answer = answers[action]?.() ?? {
    status: 400,
    body: queryError('InvalidAction', `${action} is not stubbed`),
    type: 'text/xml',
  }
  return {operation: `${service}:${action}`, answer}
}

/**
 * Starts the stub on a free loopback port. `s3LatencyMs` delays every S3 answer by that long, as
 * a round trip to S3 would; the stub answers at once by default.
 */
export async function startStub({s3LatencyMs = 0, fault}: StubOptions = {}): Promise<Stub> {
  const state: State = {
    buckets: new Map(),
    issuedKeys: 0,
    users: new Map(),
    accessKeys: new Map(),
    deletedKeys: new Set(),
    heroku: newHerokuState(),
  }
  let calls: StubCall[] = []

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const call = {
      method: request.method ?? 'GET',
      url: new URL(request.url ?? '/', 'http://stub.invalid'),
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    }
    const injected = fault?.(call)
    if (injected?.lost) {
      const {operation} = route(state, call)
      calls.push({
        operation: `${injected.operation} ${operation}`,
        path: call.url.pathname,
        status: 0,
      })
      request.socket.destroy()
      return
    }

    if (injected && !injected.answer) {
      calls.push({operation: injected.operation, path: call.url.pathname, status: 0})
      request.socket.destroy()
      return
    }

    const {operation, answer} = injected
      ? {operation: injected.operation, answer: injected.answer!}
      : route(state, call)
    const status = answer.status ?? 200
    calls.push({operation, path: call.url.pathname, status})
    if (s3LatencyMs > 0 && operation.startsWith('s3:')) await sleep(s3LatencyMs)

    const body = answer.body ?? ''
    response.writeHead(status, {
      ...(body ? {'content-type': answer.type ?? 'text/plain'} : {}),
      'content-length': Buffer.byteLength(body),
      ...answer.headers,
    })
    response.end(body)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      calls.push({
        operation: `stub error: ${error instanceof Error ? error.message : error}`,
        path: request.url ?? '/',
        status: 500,
      })
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const {port} = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    addAddon: (addon) => addAddon(state.heroku, addon),
    addonConfig: (addonId) => addonConfig(state.heroku, addonId),
    aws: () => ({
      buckets: [...state.buckets.keys()],
      users: [...state.users.keys()],
      accessKeys: Object.fromEntries(state.accessKeys),
    }),
    calls: () => calls,
    reset: () => {
      calls = []
    },
    fill: (bucketName, options) => fill(state, bucketName, options),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
