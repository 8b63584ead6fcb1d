import type {MigrationBuilder} from 'node-pg-migrate'

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    -- Adopting hands an add-on's key every object of an existing bucket: off until an admin
    -- turns it on, for links made before the setting existed too.
    alter table team_links add column allow_adopt boolean not null default false;
  `)
}
