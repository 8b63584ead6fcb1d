export interface Tag {
  Key: string
  Value: string
}

export const MANAGED_BY_TAG = 'managed-by'
export const MANAGED_BY_VALUE = 'byo-s3'
export const ADDON_UUID_TAG = 'byo-s3:addon-uuid'
/** The Heroku team the add-on was made for: one AWS account may hold several teams' resources. */
export const TEAM_ID_TAG = 'byo-s3:team-id'
/** When a retained bucket was left behind by its deprovisioned add-on. */
export const RETAINED_TAG = 'byo-s3:retained'
export const ADDON_STATE_TAG = 'byo-s3:addon-state'

/**
 * The tags on both the bucket and the IAM user. They let retries and a reconciler recognise our
 * resources, so the ownership tags always win over caller-supplied ones with the same key.
 */
export function resourceTagsFor(addonId: string, extraTags: Record<string, string>): Tag[] {
  return tagSetOf({...extraTags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [ADDON_UUID_TAG]: addonId})
}

export function tagSetOf(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({Key, Value}))
}
