import type {MigrationBuilder} from 'node-pg-migrate'

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    -- The latest drift check of each team, whether an admin or the hourly job ran it. The report
    -- holds only what the admin API may answer with; error says why a check could not run.
    create table doctor_reports (
      team_id uuid primary key references team_links (team_id) on delete cascade,
      checked_at timestamptz not null default now(),
      report jsonb,
      error text
    );
  `)
}
