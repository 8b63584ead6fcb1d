import type {MigrationBuilder} from 'node-pg-migrate'

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    -- The last count of IAM users and buckets in a team's account, so the Partner API can refuse
    -- a provision for a full account without asking AWS. A null count could not be read.
    create table quota_snapshots (
      team_id uuid primary key references team_links (team_id) on delete cascade,
      aws_account_id text not null,
      iam_users integer,
      iam_users_quota integer,
      buckets integer,
      buckets_quota integer not null,
      checked_at timestamptz not null default now()
    );
  `)
}
