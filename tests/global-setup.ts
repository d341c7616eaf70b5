import { POSTGRES_SKIP_NOTICE, postgresAdminUrl } from '@escape-room/test-utils';

/** Says once per run, not once per file or project, that the PostgreSQL suites are not running. */
export default function setup(): void {
  if (postgresAdminUrl() || process.env.POSTGRES_NOTICE_SHOWN) return;
  process.env.POSTGRES_NOTICE_SHOWN = '1';
  process.stdout.write(`${POSTGRES_SKIP_NOTICE}\n`);
}
