import {randomBytes} from 'node:crypto'

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

/** How the broker reaches the team's account: an IAM user's keys, or a role it assumes. */
export type LinkKind = 'keys' | 'role'

/** A link holds keys or names a role, never both; switching kinds drops the other's values. */
export type LinkCredentials =
  | {kind: 'keys'; accessKeyId: string; secretAccessKeySealed: string; roleArn: null}
  | {kind: 'role'; roleArn: string; accessKeyId: null; secretAccessKeySealed: null}

interface TeamLinkFields {
  teamId: string
  teamName: string
  awsAccountId: string
  linkedById: string
  linkedByEmail: string
  onDeprovision: OnDeprovision
  defaultRegion: string | null
  bucketPrefix: string
  allowPublic: boolean
  allowAdopt: boolean
  forbiddenOptions: string[]
  forcedOptions: Record<string, string>
  /** The team's External ID, which a role link presents; kept while the team links keys. */
  externalId: string | null
  createdAt: Date
  updatedAt: Date
}

export type TeamLink = TeamLinkFields & LinkCredentials

const columns = `
  team_id as "teamId", team_name as "teamName", aws_account_id as "awsAccountId", kind,
  role_arn as "roleArn", access_key_id as "accessKeyId", secret_access_key_sealed as "secretAccessKeySealed",
  linked_by_id as "linkedById", linked_by_email as "linkedByEmail",
  on_deprovision as "onDeprovision", default_region as "defaultRegion",
  bucket_prefix as "bucketPrefix", allow_public as "allowPublic",
  allow_adopt as "allowAdopt", forbidden_options as "forbiddenOptions", forced_options as "forcedOptions",
  (select external_id from team_external_ids e where e.team_id = team_links.team_id)
    as "externalId",
  created_at as "createdAt", updated_at as "updatedAt"`

export type NewTeamLink = Omit<
  TeamLinkFields,
  'createdAt' | 'updatedAt' | 'externalId' | keyof LinkSettings
> &
  LinkCredentials & {
    /** A setting left unset takes its default on a new link and stays as it was on an existing one. */
    settings?: Partial<LinkSettings>
  }

/**
 * Creates the team's link or replaces its credentials; `created` tells which happened. Linking a
 * role drops the stored secret, and linking keys forgets the role.
 */
export async function saveTeamLink(
  db: Queryable,
  link: NewTeamLink,
): Promise<{link: TeamLink; created: boolean}> {
  const row = await queryOne<TeamLink & {created: boolean}>(
    db,
    `insert into team_links (team_id, team_name, aws_account_id, access_key_id,
       secret_access_key_sealed, linked_by_id, linked_by_email, on_deprovision, default_region,
       bucket_prefix, allow_public, forbidden_options, forced_options, allow_adopt, kind, role_arn)
     values ($1, $2, $3, $4, $5, $6, $7, coalesce($8, 'delete'), $9, coalesce($10, $12),
       coalesce($13::boolean, false), coalesce($14::text[], '{}'), coalesce($15::jsonb, '{}'),
       coalesce($16::boolean, false), $17, $18)
     on conflict (team_id) do update set
       team_name = excluded.team_name, aws_account_id = excluded.aws_account_id,
       kind = excluded.kind, role_arn = excluded.role_arn,
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
      link.kind,
      link.roleArn,
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

/**
 * The team's External ID, made on first use: 32 random bytes in hex (AWS takes up to 1,224
 * characters). It changes only when an admin asks with `renew`, since the trust policy of the
 * team's role names it.
 */
export async function teamExternalId(
  db: Queryable,
  teamId: string,
  {renew = false}: {renew?: boolean} = {},
): Promise<string> {
  const fresh = randomBytes(32).toString('hex')
  const row = await queryOne<{externalId: string}>(
    db,
    `insert into team_external_ids (team_id, external_id) values ($1, $2)
     on conflict (team_id) do update set
       external_id = case when $3 then excluded.external_id else team_external_ids.external_id end,
       created_at = case when $3 then now() else team_external_ids.created_at end
     returning external_id as "externalId"`,
    [teamId, fresh, renew],
  )
  return row!.externalId
}

/** The team's External ID if one was ever made; linking a role needs it. */
export async function findTeamExternalId(db: Queryable, teamId: string): Promise<string | null> {
  const row = await queryOne<{externalId: string}>(
    db,
    'select external_id as "externalId" from team_external_ids where team_id = $1',
    [teamId],
  )
  return row?.externalId ?? null
}

/** Every linked team, for the hourly drift check. */
export function allTeamLinks(db: Queryable): Promise<TeamLink[]> {
  return queryRows<TeamLink>(db, `select ${columns} from team_links order by team_name`)
}
