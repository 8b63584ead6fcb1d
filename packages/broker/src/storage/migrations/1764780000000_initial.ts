import type {MigrationBuilder} from 'node-pg-migrate'

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    create table team_links (
      team_id uuid primary key,
      team_name text not null,
      aws_account_id text not null,
      access_key_id text not null,
      secret_access_key_sealed text not null,
      linked_by_id uuid not null,
      linked_by_email text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table resources (
      id uuid primary key,
      name text,
      plan text,
      state text not null check (state in (
        'provisioning', 'provisioned', 'refused', 'failed', 'deprovisioning', 'deprovisioned'
      )),
      region text,
      team_id uuid,
      team_name text,
      app_id uuid,
      app_name text,
      aws_account_id text,
      bucket_name text unique,
      iam_user_name text,
      app_access_key_id text,
      app_secret_access_key_sealed text,
      oauth_access_token_sealed text,
      oauth_refresh_token_sealed text,
      oauth_expires_at timestamptz,
      message text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deprovisioned_at timestamptz
    );

    create index resources_live_by_team on resources (team_id)
      where state in ('provisioning', 'provisioned', 'deprovisioning');
  `)
}
