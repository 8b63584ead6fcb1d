// Which S3 API operation a request stands for. Kept apart from the nock-based fakes so that code
// which must not load nock (the benchmark's loopback stub) can use it too.

/**
 * The S3 API operation a request to a bucket stands for, e.g. `GetBucketTagging`. `path` is the
 * part after the bucket: `/` for the bucket itself, `/key` for an object.
 */
export function s3Operation({
  method,
  path,
  query,
}: {
  method: string
  path: string
  query: URLSearchParams
}): string {
  const verb = {GET: 'Get', PUT: 'Put', DELETE: 'Delete', POST: 'Post', HEAD: 'Head'}[method]
  const configuration = CONFIGURATIONS.find((name) => query.has(name))
  if (configuration) return `${verb}${CONFIGURATION_NAMES[configuration]}`
  if (method === 'GET' && query.get('list-type') === '2') return 'ListObjectsV2'
  if (method === 'GET' && query.has('versions')) return 'ListObjectVersions'
  if (method === 'GET' && query.has('uploads')) return 'ListMultipartUploads'
  if (method === 'POST' && query.has('delete')) return 'DeleteObjects'
  if (method === 'DELETE' && query.has('uploadId')) return 'AbortMultipartUpload'
  if (path === '/') {
    return {PUT: 'CreateBucket', DELETE: 'DeleteBucket', HEAD: 'HeadBucket'}[method] ?? method
  }

  return `${verb}Object`
}

const CONFIGURATION_NAMES: Record<string, string> = {
  tagging: 'BucketTagging',
  publicAccessBlock: 'PublicAccessBlock',
  ownershipControls: 'BucketOwnershipControls',
  encryption: 'BucketEncryption',
  policy: 'BucketPolicy',
  'object-lock': 'ObjectLockConfiguration',
  versioning: 'BucketVersioning',
  lifecycle: 'BucketLifecycleConfiguration',
  cors: 'BucketCors',
}
const CONFIGURATIONS = Object.keys(CONFIGURATION_NAMES)
