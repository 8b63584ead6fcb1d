import {DEFAULT_BUCKET_PREFIX} from '../aws/bucket-name.js'
import type {TeamPolicy} from '../provisioning/team-policy.js'
import type {Queryable} from './db.js'
import {queryOne, queryRows} from './db.js'

/** What deprovisioning does with a bucket: delete it with its data, or keep it for the team. */
export type OnDeprovision = 'delete' | 'retain'

/** What an admin may change on a link without sending its keys again. */
export interface LinkSettings extends TeamPolicy {
  onDeprovision: OnDeprovision
  /** Where new buckets go; null follows each app's own region. */
  defaultRegion: string | null
  /** The first part of every new bucket's name: `<prefix>-<app>-<random>`. */
  bucketPrefix: string
}

export interface TeamLink {
  teamId: string
  teamName: string
  awsAccountId: string
  accessKeyId: string
  secretAccessKeySealed: string
  linkedById: string
  linkedByEmail: string
  onDeprovision: OnDeprovision
  defaultRegion: string | null
  bucketPrefix: string
  allowPublic: boolean
  allowAdopt: boolean
  forbiddenOptions: string[]
  forcedOptions: Record<string, string>
  createdAt: Date
  updatedAt: Date
}

const columns = `
  team_id as "teamId", team_name as "teamName", aws_account_id as "awsAccountId",
  access_key_id as "accessKeyId", secret_access_key_sealed as "secretAccessKeySealed",
  linked_by_id as "linkedById", linked_by_email as "linkedByEmail",
  on_deprovision as "onDeprovision", default_region as "defaultRegion",
  bucket_prefix as "bucketPrefix", allow_public as "allowPublic",
  allow_adopt as "allowAdopt", forbidden_options as "forbiddenOptions", forced_options as "forcedOptions",
  created_at as "createdAt", updated_at as "updatedAt"`

export type NewTeamLink = Omit<TeamLink, 'createdAt' | 'updatedAt' | keyof LinkSettings> & {
  /** A setting left unset takes its default on a new link and stays as it was on an existing one. */
  settings?: Partial<LinkSettings>
}

/** Creates the team's link or replaces its credentials; `created` tells which happened. */
export async function saveTeamLink(
  db: Queryable,
  link: NewTeamLink,
): Promise<{link: TeamLink; created: boolean}> {
  const row = await queryOne<TeamLink & {created: boolean}>(
    db,
    `insert into team_links (team_id, team_name, aws_account_id, access_key_id,
       secret_access_key_sealed, linked_by_id, linked_by_email, on_deprovision, default_region,
       bucket_prefix, allow_public, forbidden_options, forced_options, allow_adopt)
     values ($1, $2, $3, $4, $5, $6, $7, coalesce($8, 'delete'), $9, coalesce($10, $12),
       coalesce($13::boolean, false), coalesce($14::text[], '{}'), coalesce($15::jsonb, '{}'),
       coalesce($16::boolean, false))
     on conflict (team_id) do update set
       team_name = excluded.team_name, aws_account_id = excluded.aws_account_id,
       access_key_id = excluded.access_key_id,
       secret_access_key_sealed = excluded.secret_access_key_sealed,
       linked_by_id = excluded.linked_by_id, linked_by_email = excluded.linked_by_email,
       on_deprovision = coalesce($8, team_links.on_deprovision),
       default_region = case when $11 then $9 else team_links.default_region end,
       bucket_prefix = coalesce($10, team_links.bucket_prefix),
       allow_public = coalesce($13::boolean, team_links.allow_public),
       forbidden_options = coalesce($14::text[], team_links.forbidden_options),
       forced_options = coalesce($15::jsonb, team_links.forced_options),
       allow_adopt = coalesce($16::boolean, team_links.allow_adopt), updated_at = now()
     returning ${columns}, (xmax = 0) as created`,
    [
      link.teamId,
      link.teamName,
      link.awsAccountId,
      link.accessKeyId,
      link.secretAccessKeySealed,
      link.linkedById,
      link.linkedByEmail,
      link.settings?.onDeprovision ?? null,
      link.settings?.defaultRegion ?? null,
      link.settings?.bucketPrefix ?? null,
      link.settings !== undefined && 'defaultRegion' in link.settings,
      DEFAULT_BUCKET_PREFIX,
      ...policyValues(link.settings ?? {}),
    ],
  )
  const {created, ...saved} = row!
  return {link: saved, created}
}

/** Changes the settings given and leaves the others, and the keys, as they are. */
export function updateTeamLinkSettings(
  db: Queryable,
  teamId: string,
  settings: Partial<LinkSettings>,
): Promise<TeamLink | undefined> {
  return queryOne<TeamLink>(
    db,
    // updated_at stays: it says when the keys were last written and checked.
    `update team_links set
       on_deprovision = coalesce($2, on_deprovision),
       default_region = case when $5 then $3 else default_region end,
       bucket_prefix = coalesce($4, bucket_prefix),
       allow_public = coalesce($6::boolean, allow_public),
       forbidden_options = coalesce($7::text[], forbidden_options),
       forced_options = coalesce($8::jsonb, forced_options),
       allow_adopt = coalesce($9::boolean, allow_adopt)
     where team_id = $1 returning ${columns}`,
    [
      teamId,
      settings.onDeprovision ?? null,
      settings.defaultRegion ?? null,
      settings.bucketPrefix ?? null,
      'defaultRegion' in settings,
      ...policyValues(settings),
    ],
  )
}

// A policy setting left out stays as it was: null makes the SQL keep the stored value.
function policyValues(settings: Partial<LinkSettings>) {
  return [
    settings.allowPublic ?? null,
    settings.forbiddenOptions ?? null,
    settings.forcedOptions === undefined ? null : JSON.stringify(settings.forcedOptions),
    settings.allowAdopt ?? null,
  ]
}

/** The keys were just checked with STS: that is what `updated_at` records. */
export async function markTeamLinkVerified(db: Queryable, teamId: string): Promise<void> {
  await db.query('update team_links set updated_at = now() where team_id = $1', [teamId])
}

export function findTeamLink(db: Queryable, teamId: string): Promise<TeamLink | undefined> {
  return queryOne<TeamLink>(db, `select ${columns} from team_links where team_id = $1`, [teamId])
}

export function findTeamLinks(db: Queryable, teamIds: string[]): Promise<TeamLink[]> {
  return queryRows<TeamLink>(db, `select ${columns} from team_links where team_id = any($1)`, [
    teamIds,
  ])
}

export async function deleteTeamLink(db: Queryable, teamId: string): Promise<boolean> {
  const result = await db.query('delete from team_links where team_id = $1', [teamId])
  return (result.rowCount ?? 0) > 0
}

/** Every linked team, for the hourly drift check. */
export function allTeamLinks(db: Queryable): Promise<TeamLink[]> {
  return queryRows<TeamLink>(db, `select ${columns} from team_links order by team_name`)
}
