import type {MigrationBuilder} from 'node-pg-migrate'

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    alter table team_links add column default_region text;
    alter table team_links add column bucket_prefix text not null default 'byo-s3';
  `)
}
