import { prepareDatabase } from './bootstrap.js';
import { exitWithError, loadConfig } from './config.js';

/** `pnpm db:migrate`: applies pending migrations and gives a fresh install its venue and rooms, then exits. */
async function run(): Promise<void> {
  const config = loadConfig();
  const { db, appliedMigrations, seededRooms } = await prepareDatabase(config);
  await db.close();
  const applied = appliedMigrations.length ? appliedMigrations.join(', ') : 'none pending';
  process.stdout.write(`Migrations applied: ${applied}\nRooms added: ${seededRooms}\n`);
}

run().catch(exitWithError);
