import { ConfigError } from './config.js';

/** Ends a command-line entry point with a readable message instead of a stack trace. */
export function exitWithError(error: unknown): never {
  const message = error instanceof ConfigError ? error.message : `Failed to start: ${error instanceof Error ? error.stack : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
