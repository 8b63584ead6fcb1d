// Just enough XML to answer the AWS SDK the way S3, IAM and STS do, and to read what it sent.

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/'
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'
const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

function unescapeXml(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

/** `<Name>value</Name>` for each defined entry, in order. */
export function elements(fields: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('')
}

/** A successful awsQuery reply (IAM, STS): `<ActionResponse><ActionResult>…`. */
export function queryResult(action: string, inner = '', namespace = IAM_NAMESPACE): string {
  return (
    `<${action}Response xmlns="${namespace}"><${action}Result>${inner}</${action}Result>` +
    `<ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>` +
    `</ResponseMetadata></${action}Response>`
  )
}

export function queryError(code: string, message: string, namespace = IAM_NAMESPACE): string {
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${code}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>`
  )
}

export function s3Error(code: string, message = code): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code>` +
    `<Message>${escapeXml(message)}</Message><RequestId>4442587FB7D0A2F9</RequestId>` +
    `<HostId>example-host-id</HostId></Error>`
  )
}

export interface VersionEntry {
  key: string
  versionId: string
}

export interface VersionPage {
  versions?: VersionEntry[]
  deleteMarkers?: VersionEntry[]
  next?: {keyMarker: string; versionIdMarker: string}
}

export function listObjectVersionsXml(bucketName: string, page: VersionPage): string {
  const entry = (tag: string, {key, versionId}: VersionEntry) =>
    `<${tag}>${elements({Key: key, VersionId: versionId, IsLatest: true})}</${tag}>`
  const versions = (page.versions ?? []).map((version) => entry('Version', version))
  const markers = (page.deleteMarkers ?? []).map((marker) => entry('DeleteMarker', marker))
  const paging = page.next
    ? elements({
        IsTruncated: true,
        NextKeyMarker: page.next.keyMarker,
        NextVersionIdMarker: page.next.versionIdMarker,
      })
    : elements({IsTruncated: false})
  return (
    `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="${S3_NAMESPACE}">` +
    `${elements({Name: bucketName, MaxKeys: 1000})}${paging}${versions.join('')}` +
    `${markers.join('')}</ListVersionsResult>`
  )
}

export function listMultipartUploadsXml(
  bucketName: string,
  uploads: {key: string; uploadId: string}[],
): string {
  const entries = uploads.map(
    ({key, uploadId}) => `<Upload>${elements({Key: key, UploadId: uploadId})}</Upload>`,
  )
  return (
    `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="${S3_NAMESPACE}">` +
    `${elements({Bucket: bucketName, IsTruncated: false})}${entries.join('')}` +
    `</ListMultipartUploadsResult>`
  )
}

export function deleteObjectsResultXml(errors: (VersionEntry & {code: string})[] = []): string {
  const entries = errors.map(
    ({key, versionId, code}) =>
      `<Error>${elements({Key: key, VersionId: versionId, Code: code, Message: code})}</Error>`,
  )
  return (
    `<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="${S3_NAMESPACE}">` +
    `${entries.join('')}</DeleteResult>`
  )
}

/** The text of every `<tag>…</tag>` in a request body, unescaped. */
export function xmlTexts(xml: string, tag: string): string[] {
  const pattern = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g')
  return [...xml.matchAll(pattern)].map(([, text]) => unescapeXml(text))
}

/** The `{key, versionId}` pairs of a DeleteObjects request body. */
export function deletedObjects(xml: string): VersionEntry[] {
  return xmlTexts(xml, 'Object').map((object) => ({
    key: xmlTexts(object, 'Key')[0],
    versionId: xmlTexts(object, 'VersionId')[0],
  }))
}

function s3Document(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${S3_NAMESPACE}">${inner}</${root}>`
}

export function taggingXml(tags: Record<string, string>): string {
  const entries = Object.entries(tags).map(
    ([key, value]) => `<Tag>${elements({Key: key, Value: value})}</Tag>`,
  )
  return s3Document('Tagging', `<TagSet>${entries.join('')}</TagSet>`)
}

/** The tags of a PutBucketTagging request body as a plain object. */
export function sentTags(xml: string): Record<string, string> {
  return Object.fromEntries(
    xmlTexts(xml, 'Tag').map((tag) => [xmlTexts(tag, 'Key')[0], xmlTexts(tag, 'Value')[0] ?? '']),
  )
}

export const PUBLIC_ACCESS_FLAGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const

export type PublicAccessFlags = Record<(typeof PUBLIC_ACCESS_FLAGS)[number], boolean>

export function publicAccessBlockXml(flags: PublicAccessFlags): string {
  return s3Document('PublicAccessBlockConfiguration', elements(flags))
}

export function ownershipControlsXml(objectOwnership: string): string {
  return s3Document(
    'OwnershipControls',
    `<Rule>${elements({ObjectOwnership: objectOwnership})}</Rule>`,
  )
}

export function encryptionXml(algorithm: string, kmsKeyId?: string, bucketKey = false): string {
  return s3Document(
    'ServerSideEncryptionConfiguration',
    '<Rule><ApplyServerSideEncryptionByDefault>' +
      elements({SSEAlgorithm: algorithm, KMSMasterKeyID: kmsKeyId}) +
      `</ApplyServerSideEncryptionByDefault>${elements({BucketKeyEnabled: bucketKey})}</Rule>`,
  )
}

export function objectLockXml(): string {
  return s3Document(
    'ObjectLockConfiguration',
    `${elements({ObjectLockEnabled: 'Enabled'})}` +
      `<Rule><DefaultRetention>${elements({Mode: 'COMPLIANCE', Days: 30})}` +
      '</DefaultRetention></Rule>',
  )
}

export function versioningXml(status: string | undefined, mfaDelete: boolean): string {
  return s3Document(
    'VersioningConfiguration',
    elements({Status: status, MfaDelete: mfaDelete ? 'Enabled' : undefined}),
  )
}

/** The rules of a PutBucketLifecycleConfiguration body, as the fields a test checks. */
export function sentLifecycleRules(xml: string) {
  return xmlTexts(xml, 'Rule').map((rule) => ({
    id: xmlTexts(rule, 'ID')[0],
    status: xmlTexts(rule, 'Status')[0],
    abortDays: numberOrUndefined(xmlTexts(rule, 'DaysAfterInitiation')[0]),
    noncurrentDays: numberOrUndefined(xmlTexts(rule, 'NoncurrentDays')[0]),
  }))
}

/** The rules of a PutBucketCors body. */
export function sentCorsRules(xml: string) {
  return xmlTexts(xml, 'CORSRule').map((rule) => ({
    id: xmlTexts(rule, 'ID')[0],
    origins: xmlTexts(rule, 'AllowedOrigin'),
    methods: xmlTexts(rule, 'AllowedMethod'),
    headers: xmlTexts(rule, 'AllowedHeader'),
    exposed: xmlTexts(rule, 'ExposeHeader'),
    maxAge: numberOrUndefined(xmlTexts(rule, 'MaxAgeSeconds')[0]),
  }))
}

function numberOrUndefined(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text)
}

export function listObjectsV2Xml(bucketName: string, keys: string[], maxKeys: number): string {
  const page = keys.slice(0, maxKeys)
  const contents = page.map((key) => `<Contents>${elements({Key: key, Size: 0})}</Contents>`)
  return s3Document(
    'ListBucketResult',
    elements({
      Name: bucketName,
      KeyCount: page.length,
      MaxKeys: maxKeys,
      IsTruncated: keys.length > page.length,
    }) + contents.join(''),
  )
}

/** One ListObjectsV2 page with sized objects, truncated when `nextToken` is given. */
export function listObjectsV2PageXml(
  bucketName: string,
  objects: {key: string; size: number}[],
  nextToken?: string,
): string {
  const contents = objects.map(
    ({key, size}) => `<Contents>${elements({Key: key, Size: size})}</Contents>`,
  )
  return s3Document(
    'ListBucketResult',
    elements({
      Name: bucketName,
      KeyCount: objects.length,
      MaxKeys: 1000,
      IsTruncated: nextToken !== undefined,
      NextContinuationToken: nextToken,
    }) + contents.join(''),
  )
}

/** `Tags.member.N.Key` / `Tags.member.N.Value` form fields as a plain object. */
export function tagsOf(params: Record<string, string>): Record<string, string> {
  const tags: Record<string, string> = {}
  for (let n = 1; params[`Tags.member.${n}.Key`] !== undefined; n++) {
    tags[params[`Tags.member.${n}.Key`]] = params[`Tags.member.${n}.Value`]
  }

  return tags
}
