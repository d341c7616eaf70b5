// Builds what a command needs (turbo, cached) and prints nothing unless the build fails, so a
// command's output is its own: `pnpm admin rooms list --json | jq` gets JSON only.
// Usage: node scripts/build-quietly.mjs <turbo filter>
import { spawnSync } from 'node:child_process';

const filter = process.argv[2];
const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', `--filter=${filter}`, '--output-logs=errors-only'], {
  encoding: 'utf8',
  shell: process.platform === 'win32',
});
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? `${build.error.message}\n` : ''}`);
  process.exit(build.status ?? 1);
}
