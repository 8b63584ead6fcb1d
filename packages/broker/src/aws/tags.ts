export interface Tag {
  Key: string
  Value: string
}

export const MANAGED_BY_TAG = 'managed-by'
export const ADDON_UUID_TAG = 'byo-s3:addon-uuid'

/**
 * The tags on both the bucket and the IAM user. They let retries and a reconciler recognise our
 * resources, so the ownership tags always win over caller-supplied ones with the same key.
 */
export function resourceTagsFor(addonId: string, extraTags: Record<string, string>): Tag[] {
  const tags = {...extraTags, [MANAGED_BY_TAG]: 'byo-s3', [ADDON_UUID_TAG]: addonId}
  return Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
}
