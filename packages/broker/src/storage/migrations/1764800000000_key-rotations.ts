import type {MigrationBuilder} from 'node-pg-migrate'

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    create table rotations (
      id uuid primary key default gen_random_uuid(),
      addon_id uuid not null references resources (id) on delete cascade,
      state text not null default 'rotating'
        check (state in ('rotating', 'overlap', 'done', 'failed')),
      steps text[] not null default '{}',
      old_access_key_id text,
      new_access_key_id text,
      new_secret_access_key_sealed text,
      old_key_deletes_at timestamptz,
      failure_reason text,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      updated_at timestamptz not null default now()
    );

    -- One rotation at a time: the overlap counts, since IAM allows a user only two keys.
    create unique index rotations_one_running_per_addon on rotations (addon_id)
      where state in ('rotating', 'overlap');
    create index rotations_by_addon on rotations (addon_id, started_at desc);
  `)
}
