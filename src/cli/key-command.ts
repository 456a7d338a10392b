/**
 * `parley key rotate-encryption --data DIR`: a new encryption key for this party, announced to every other party by
 * a signed encryption-key-rotation statement (docs/protocol.md §2.1, docs/operations.md "Keys").
 *
 * The node must be stopped: the command runs it for the time of the rotation — so that it takes back what its store
 * may have lost before it signs (own-log-recovery.ts) and delivers the rotation at once — and stops it again. Two
 * nodes signing one log at once would fork it, so a node found listening on its federation port is left alone.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { KEY_ROTATION_REASONS } from '../protocol/bodies/standing.js';
import { formatEncryptionKey } from '../protocol/encryption-key.js';
import type { EncryptionKeyRotationReason } from '../node/encryption-key-rotation.js';
import { UsageError } from './usage-error.js';

interface RotateFlags {
  data: string;
  reason: string;
}

/** Whether something listens on the node's federation port: its node is running. */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(true) : reject(e)));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

export function registerKey(program: Command): void {
  const key = program.command('key').description("manage this party's keys");
  key
    .command('rotate-encryption')
    .description('make a new encryption key, keep the old ones, and announce the new one to every other party')
    .requiredOption('--data <dir>', "the node's data directory (the node must be stopped)")
    .option('--reason <reason>', `why: ${KEY_ROTATION_REASONS.join(', ')}`, 'scheduled')
    .addHelpText('after', `
Adds the new key at the end of DIR/encryption.key (older keys stay: bodies sealed to them still open), then runs the
node long enough to sign the encryption-key-rotation statement and hand it to its delivery. Peers seal to the new key
as soon as they mirror the statement; what they sealed before still opens with the older key. Back the key file up
again afterwards, and put the new public key printed here in the agreement at its next amendment.

Stop the node first; start it again afterwards. Exit status: 0 rotated; 2 bad usage, the node is running, or the data
directory cannot be read.

Example:
  $ parley key rotate-encryption --data ./avalon --reason scheduled`)
    .action(async (flags: RotateFlags) => {
      if (!(KEY_ROTATION_REASONS as readonly string[]).includes(flags.reason)) throw new UsageError(`--reason must be one of ${KEY_ROTATION_REASONS.join(', ')}, not "${flags.reason}"`);
      // Loaded here: the rest of the command line starts without the node's modules.
      const [{ DATA_FILES, DataDirError, openDataDir }, { runNode, NodeNotReadyError }, { createLogger }, { KeyFileError }, { rotateEncryptionKey }] = await Promise.all([
        import('../node/data-dir.js'), import('../node/run-node.js'), import('../node/logger.js'), import('../node/key-file.js'), import('../node/encryption-key-rotation.js'),
      ]);
      try {
        const files = await openDataDir(flags.data);
        const { host, port } = files.config.federation;
        if (await listening(host, port)) throw new UsageError(`the node of ${flags.data} is running (its federation port ${host}:${port} is taken): stop it first, then rotate, then start it again`);
        const running = await runNode(flags.data, { scheduler: false, logger: createLogger({ level: 'warn', base: { party: files.config.party } }) });
        try {
          const r = await rotateEncryptionKey(running.node, join(flags.data, DATA_FILES.encryptionKey), flags.reason as EncryptionKeyRotationReason);
          console.log(`rotated ${files.config.party}'s encryption key: new key id ${r.keyPair.id}, announced at index ${r.statement.statement.index} of its log`);
          console.log(`  public key ${formatEncryptionKey(r.keyPair.publicKey)} (for the agreement's next amendment)`);
          console.log(`  ${join(flags.data, DATA_FILES.encryptionKey)} holds ${r.keys} keys, the new one last: back it up again`);
          console.log('  start the node again: it delivers the rotation to every party it has not reached yet');
        } finally {
          await running.close();
        }
      } catch (e) {
        if (e instanceof DataDirError || e instanceof KeyFileError || e instanceof NodeNotReadyError) throw new UsageError(e.message);
        throw e;
      }
    });
}
