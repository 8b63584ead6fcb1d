import type {MigrationBuilder} from 'node-pg-migrate'

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    alter table resources add column steps text[] not null default '{}';
    alter table resources add column failure_reason text;

    alter table resources drop constraint resources_state_check;
    alter table resources add constraint resources_state_check check (state in (
      'provisioning', 'provisioned', 'refused', 'failed', 'deprovisioning', 'deprovisioned',
      'blocked'
    ));

    alter table team_links add column on_deprovision text not null default 'delete'
      check (on_deprovision in ('delete', 'retain'));
  `)
}
