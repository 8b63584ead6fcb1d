import type {MigrationBuilder} from 'node-pg-migrate'

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    alter table resources add column options jsonb not null default '{}';
    alter table resources add column settings jsonb;
    alter table resources add column applied_settings jsonb;
    alter table resources add column adopted boolean not null default false;

    -- An adopted bucket may have served an add-on before; only one live add-on may use it.
    alter table resources drop constraint resources_bucket_name_key;
    create unique index resources_live_bucket_name on resources (bucket_name)
      where state in ('provisioning', 'provisioned', 'deprovisioning');

    alter table team_links add column allow_public boolean not null default false;
    alter table team_links add column forbidden_options text[] not null default '{}';
    alter table team_links add column forced_options jsonb not null default '{}';
  `)
}
