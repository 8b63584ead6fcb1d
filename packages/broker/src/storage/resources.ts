import type {BucketSettings} from '../aws/bucket-settings.js'
import type {Queryable} from './db.js'
import {queryOne, queryRows} from './db.js'

/** One Heroku add-on resource, keyed on Heroku's uuid, and what was made for it in AWS. */
export interface Resource {
  id: string
  name: string | null
  plan: string | null
  state: ResourceState
  region: string | null
  teamId: string | null
  teamName: string | null
  appId: string | null
  appName: string | null
  awsAccountId: string | null
  bucketName: string | null
  iamUserName: string | null
  appAccessKeyId: string | null
  appSecretAccessKeySealed: string | null
  oauthAccessTokenSealed: string | null
  oauthRefreshTokenSealed: string | null
  oauthExpiresAt: Date | null
  message: string | null
  /** Steps of the provisioning or deprovisioning job already done, in the order they finished. */
  steps: string[]
  /** Why provisioning or deprovisioning failed, for an admin to read later. */
  failureReason: string | null
  /** The options it was created with, the team's forced ones included, as texts. */
  options: Record<string, string>
  /** What its bucket should be configured with: its plan's settings overlaid by its options. */
  settings: BucketSettings | null
  /** What was last written to the bucket and read back; null before the bucket was secured. */
  appliedSettings: BucketSettings | null
  /** The bucket existed before the add-on: deprovisioning leaves it, and its settings, alone. */
  adopted: boolean
  createdAt: Date
  updatedAt: Date
  deprovisionedAt: Date | null
}

export type ResourceState =
  | 'provisioning'
  | 'provisioned'
  | 'refused'
  | 'failed'
  | 'deprovisioning'
  | 'deprovisioned'
  /** Deprovisioning stopped for a reason an admin must act on (Object Lock, an unlinked team). */
  | 'blocked'

export const liveStates: ResourceState[] = ['provisioning', 'provisioned', 'deprovisioning']

type Changes = Partial<Omit<Resource, 'id' | 'createdAt' | 'updatedAt'>>

const columnOf = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)

const columns = [
  'id',
  'name',
  'plan',
  'state',
  'region',
  'teamId',
  'teamName',
  'appId',
  'appName',
  'awsAccountId',
  'bucketName',
  'iamUserName',
  'appAccessKeyId',
  'appSecretAccessKeySealed',
  'oauthAccessTokenSealed',
  'oauthRefreshTokenSealed',
  'oauthExpiresAt',
  'message',
  'steps',
  'failureReason',
  'options',
  'settings',
  'appliedSettings',
  'adopted',
  'createdAt',
  'updatedAt',
  'deprovisionedAt',
]
  .map((field) => `${columnOf(field)} as "${field}"`)
  .join(', ')

/** Records a provision request unless its uuid is known; returns whether this call created it. */
export async function recordResource(
  db: Queryable,
  fields: {id: string; name: string | null; plan: string | null},
): Promise<boolean> {
  const result = await db.query(
    `insert into resources (id, name, plan, state) values ($1, $2, $3, 'provisioning')
     on conflict (id) do nothing`,
    [fields.id, fields.name, fields.plan],
  )
  return result.rowCount === 1
}

export function findResource(db: Queryable, id: string): Promise<Resource | undefined> {
  return queryOne<Resource>(db, `select ${columns} from resources where id = $1`, [id])
}

/** Reads the resource and locks its row until the surrounding transaction ends. */
export function lockResource(db: Queryable, id: string): Promise<Resource | undefined> {
  return queryOne<Resource>(db, `select ${columns} from resources where id = $1 for update`, [id])
}

export async function updateResource(db: Queryable, id: string, changes: Changes): Promise<void> {
  const entries = Object.entries(changes)
  const assignments = entries.map(([field], index) => `${columnOf(field)} = $${index + 2}`)
  await db.query(
    `update resources set ${[...assignments, 'updated_at = now()'].join(', ')} where id = $1`,
    [id, ...entries.map(([, value]) => value)],
  )
}

/** Whether a live add-on other than `id` uses the bucket, which may then not be adopted. */
export async function isBucketInUse(db: Queryable, bucketName: string, id: string) {
  const row = await queryOne(
    db,
    'select 1 from resources where bucket_name = $1 and state = any($2) and id <> $3',
    [bucketName, liveStates, id],
  )
  return row !== undefined
}

export function liveResourcesOfTeam(db: Queryable, teamId: string): Promise<Resource[]> {
  return queryRows<Resource>(
    db,
    `select ${columns} from resources where team_id = $1 and state = any($2) order by created_at`,
    [teamId, liveStates],
  )
}

/**
 * Records that `step` is done, once: a repeated step after a crash is not appended again. With
 * `whileState`, nothing is written unless the resource is still in that state (a DELETE may
 * have arrived meanwhile); the result says whether the step was recorded.
 */
export async function recordStep(
  db: Queryable,
  id: string,
  step: string,
  changes: Changes = {},
  whileState?: ResourceState,
): Promise<boolean> {
  const entries = Object.entries(changes)
  const assignments = entries.map(([field], index) => `${columnOf(field)} = $${index + 4}`)
  const result = await db.query(
    `update resources set ${[
      ...assignments,
      'steps = case when $2 = any(steps) then steps else array_append(steps, $2) end',
      'updated_at = now()',
    ].join(', ')} where id = $1 and ($3::text is null or state = $3)`,
    [id, step, whileState ?? null, ...entries.map(([, value]) => value)],
  )
  return result.rowCount === 1
}

/** The team's add-ons that still have, or were left with, AWS resources: newest first. */
export function teamResources(db: Queryable, teamId: string): Promise<Resource[]> {
  return queryRows<Resource>(
    db,
    `select ${columns} from resources
     where team_id = $1 and state in ('provisioning', 'provisioned', 'deprovisioning', 'failed', 'blocked')
     order by created_at desc`,
    [teamId],
  )
}

/** The add-ons with these ids, whatever their state: what became of the add-on a tag names. */
export function resourcesWithIds(db: Queryable, ids: string[]): Promise<Resource[]> {
  return queryRows<Resource>(db, `select ${columns} from resources where id = any($1)`, [ids])
}
