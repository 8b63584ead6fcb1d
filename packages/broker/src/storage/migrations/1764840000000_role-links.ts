import type {MigrationBuilder} from 'node-pg-migrate'

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    -- A link either holds an IAM user's keys or names a role the broker assumes; existing links
    -- all hold keys.
    alter table team_links
      add column kind text not null default 'keys' check (kind in ('keys', 'role')),
      add column role_arn text,
      alter column access_key_id drop not null,
      alter column secret_access_key_sealed drop not null,
      add constraint team_links_credentials_match_kind check (
        (kind = 'keys' and access_key_id is not null and secret_access_key_sealed is not null
          and role_arn is null)
        or (kind = 'role' and role_arn is not null and access_key_id is null
          and secret_access_key_sealed is null)
      );

    -- A team's External ID exists before its role link does (the admin puts it in the role's
    -- trust policy first) and outlives switching to keys and back, so it is kept per team.
    create table team_external_ids (
      team_id uuid primary key,
      external_id text not null,
      created_at timestamptz not null default now()
    );
  `)
}
