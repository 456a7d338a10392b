/** The `parley` command line. Each command lives in its own file and registers itself here. */
import { Command, CommanderError } from 'commander';
import { registerVerify } from './verify-command.js';
import { registerInit } from './init-command.js';
import { registerServe } from './serve-command.js';
import { registerSend } from './send-command.js';
import { registerCases } from './cases-command.js';
import { registerExport } from './export-command.js';
import { registerDemo } from './demo-command.js';
import { registerAgreement } from './agreement-command.js';
import { registerKey } from './key-command.js';
import { registerAccount } from './account-command.js';
import { UsageError } from './usage-error.js';

const program = new Command();
program
  .name('parley')
  .description('Signed, witnessed channels for preventing cyber incidents between parties that distrust each other')
  .version('0.1.0')
  .showHelpAfterError()
  // Usage errors exit 2, so that scripts can tell them from "the log does not verify" (exit 1).
  .exitOverride();

registerInit(program);
registerAgreement(program);
registerVerify(program);
registerServe(program);
registerSend(program);
registerCases(program);
registerExport(program);
registerDemo(program);
registerKey(program);
registerAccount(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version are not errors.
    process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
  } else if (e instanceof UsageError) {
    console.error(`parley: ${e.message}`);
    process.exitCode = 2;
  } else {
    console.error(`parley: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 70;
  }
}
