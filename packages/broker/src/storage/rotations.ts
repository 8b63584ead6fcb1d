import type {Queryable} from './db.js'
import {queryOne, queryRows} from './db.js'

/** One rotation of an add-on's access key, from its start to the old key's deletion. */
export interface Rotation {
  id: string
  addonId: string
  state: RotationState
  /** Steps of the rotation job already done, in the order they finished. */
  steps: string[]
  /** The key the app used when the rotation started. */
  oldAccessKeyId: string | null
  newAccessKeyId: string | null
  /** The new key's secret until the app's record holds it; cleared then. */
  newSecretAccessKeySealed: string | null
  oldKeyDeletesAt: Date | null
  failureReason: string | null
  startedAt: Date
  finishedAt: Date | null
  updatedAt: Date
}

/** 'rotating' and 'overlap' are running: both keys may exist, so no other rotation may start. */
export type RotationState = 'rotating' | 'overlap' | 'done' | 'failed'

export const runningStates: RotationState[] = ['rotating', 'overlap']

export type RotationChanges = Partial<
  Pick<
    Rotation,
    | 'state'
    | 'newAccessKeyId'
    | 'newSecretAccessKeySealed'
    | 'oldKeyDeletesAt'
    | 'failureReason'
    | 'finishedAt'
  >
>

const columnOf = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)

const columns = [
  'id',
  'addonId',
  'state',
  'steps',
  'oldAccessKeyId',
  'newAccessKeyId',
  'newSecretAccessKeySealed',
  'oldKeyDeletesAt',
  'failureReason',
  'startedAt',
  'finishedAt',
  'updatedAt',
]
  .map((field) => `${columnOf(field)} as "${field}"`)
  .join(', ')

export function runningRotation(db: Queryable, addonId: string): Promise<Rotation | undefined> {
  return queryOne<Rotation>(
    db,
    `select ${columns} from rotations where addon_id = $1 and state = any($2)`,
    [addonId, runningStates],
  )
}

/** The add-on's most recent rotation, running or not. */
export function latestRotation(db: Queryable, addonId: string): Promise<Rotation | undefined> {
  return queryOne<Rotation>(
    db,
    `select ${columns} from rotations where addon_id = $1 order by started_at desc limit 1`,
    [addonId],
  )
}

/** Every running rotation, for queueing their jobs again. */
export function runningRotations(db: Queryable): Promise<Rotation[]> {
  return queryRows<Rotation>(db, `select ${columns} from rotations where state = any($1)`, [
    runningStates,
  ])
}

/**
 * Starts a rotation unless one is running; either way returns the running one. The unique index
 * on running rotations settles two starts that race.
 */
export async function startRotationRecord(
  db: Queryable,
  addonId: string,
  oldAccessKeyId: string,
): Promise<Rotation> {
  await db.query(
    `insert into rotations (addon_id, old_access_key_id) values ($1, $2)
     on conflict (addon_id) where state in ('rotating', 'overlap') do nothing`,
    [addonId, oldAccessKeyId],
  )
  return (await runningRotation(db, addonId))!
}

/**
 * Records that `step` is done, once, with `changes`; nothing is written unless the rotation is
 * still running. The result says whether the step was recorded.
 */
export async function recordRotationStep(
  db: Queryable,
  id: string,
  step: string,
  changes: RotationChanges = {},
): Promise<boolean> {
  const entries = Object.entries(changes)
  const assignments = entries.map(([field], index) => `${columnOf(field)} = $${index + 4}`)
  const result = await db.query(
    `update rotations set ${[
      ...assignments,
      'steps = case when $2 = any(steps) then steps else array_append(steps, $2) end',
      'updated_at = now()',
    ].join(', ')} where id = $1 and state = any($3)`,
    [id, step, runningStates, ...entries.map(([, value]) => value)],
  )
  return result.rowCount === 1
}

/** Schedules the old key's deletion `minutes` from now, by the database's clock. */
export async function startOverlap(db: Queryable, id: string, minutes: number): Promise<Date> {
  const {rows} = await db.query<{deletesAt: Date}>(
    `update rotations set
       state = 'overlap',
       old_key_deletes_at = now() + $2 * interval '1 minute',
       new_secret_access_key_sealed = null,
       updated_at = now()
     where id = $1
     returning old_key_deletes_at as "deletesAt"`,
    [id, minutes],
  )
  return rows[0].deletesAt
}

/** Whether the overlap is over, by the same clock that set its end. */
export async function overlapEnded(db: Queryable, id: string): Promise<boolean> {
  const row = await queryOne<{ended: boolean}>(
    db,
    'select old_key_deletes_at <= now() as ended from rotations where id = $1',
    [id],
  )
  return row?.ended === true
}

const DEPROVISIONED_DURING_ROTATION =
  'The add-on was deprovisioned during the rotation; its keys go with it.'

/**
 * Ends the add-on's running rotation, if any, because the add-on is going away: the deprovision
 * job deletes every key of the user. Returns whether a rotation was running.
 */
export async function stopRotationOnDeprovision(db: Queryable, addonId: string): Promise<boolean> {
  const result = await db.query(
    `update rotations set
       state = 'failed',
       steps = array_append(steps, 'stopped'),
       failure_reason = $3,
       new_secret_access_key_sealed = null,
       finished_at = now(),
       updated_at = now()
     where addon_id = $1 and state = any($2)`,
    [addonId, runningStates, DEPROVISIONED_DURING_ROTATION],
  )
  return result.rowCount === 1
}

/** The running rotations of these add-ons: both their keys may exist. */
export function runningRotationsOf(db: Queryable, addonIds: string[]): Promise<Rotation[]> {
  return queryRows<Rotation>(
    db,
    `select ${columns} from rotations where addon_id = any($1) and state = any($2)`,
    [addonIds, runningStates],
  )
}
