#!/usr/bin/env node
import { CommanderError } from 'commander';
import { EXIT, describeFailure } from './failures.js';
import { buildProgram } from './program.js';

const program = buildProgram();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are successes; anything else commander rejects is a usage error
    // (it has already printed the reason).
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const { message, exitCode } = describeFailure(error, program.opts<{ apiUrl: string }>().apiUrl);
    process.stderr.write(`${message}\n`);
    process.exitCode = exitCode;
  }
}
