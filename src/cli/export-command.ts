/**
 * `parley export --data DIR --out FILE`: the own log, its checkpoints and their cosignatures in the audit format
 * (parley-log/v1) that `parley verify` checks offline. Reads the node's store; the node may be stopped.
 */
import type { Command } from 'commander';
import type { PeerTransport } from '../node/node-context.js';
import { UsageError } from './usage-error.js';

interface ExportFlags {
  data: string;
  out: string;
}

/** The export talks to no peer: a transport that says so if anything tries. */
function offline(party: string): PeerTransport {
  return { party, request: () => Promise.reject(new Error(`export runs offline; ${party} is not contacted`)), close: async () => undefined };
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the own log (statements, checkpoints, cosignatures) as a parley-log/v1 file for `parley verify`')
    .requiredOption('--data <dir>', 'the node\'s data directory')
    .requiredOption('--out <file>', 'the file to write (JSON Lines)')
    .addHelpText('after', `
The node may be running or stopped. Anyone holding the file and the agreement can audit the log offline.

Examples:
  $ parley export --data ./avalon --out avalon.jsonl
  $ parley verify avalon.jsonl --agreement ./avalon/agreement.json`)
    .action(async (flags: ExportFlags) => {
      // Loaded here: the rest of the command line starts without the node's modules.
      const [{ databaseOf, openDataDir }, { PartyNode }, { clockOf }, { createLogger }, { openStore }, { exportOwnLog }] = await Promise.all([
        import('../node/data-dir.js'), import('../node/party-node.js'), import('../node/run-node.js'), import('../node/logger.js'), import('../storage/open-store.js'), import('../node/node-export.js'),
      ]);
      const files = await openDataDir(flags.data);
      const agreement = files.agreement?.agreement;
      if (!agreement) throw new UsageError(`no agreement is installed in ${flags.data}`);
      const store = await openStore(databaseOf(files));
      try {
        const peers = new Map(agreement.parties.filter((p) => p.id !== files.config.party).map((p) => [p.id, offline(p.id)]));
        const node = await PartyNode.open({
          party: files.config.party, agreement, signingKey: files.signingKey, store, clock: clockOf(files), logger: createLogger({ level: 'warn' }), peers,
        });
        const statements = await exportOwnLog(node, flags.out);
        console.log(`exported ${files.config.party}'s log to ${flags.out} (${statements} statements)`);
      } finally {
        await store.close();
      }
    });
}
