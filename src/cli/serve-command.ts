/** `parley serve --data DIR`: runs a node until SIGINT or SIGTERM, then closes it gracefully. */
import type { Command } from 'commander';
import { UsageError } from './usage-error.js';

interface ServeFlags {
  data: string;
  apiPort?: string;
  federationPort?: string;
  scheduler: boolean;
}

function port(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535, got "${text}"`);
  return n;
}

/** Resolves on the first of the signals. */
function untilSignal(signals: NodeJS.Signals[]): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      for (const x of signals) process.off(x, on);
      resolve(s);
    };
    for (const s of signals) process.on(s, on);
  });
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run a node: its federation endpoint (mutual TLS), its user API and its scheduler, until SIGINT or SIGTERM')
    .requiredOption('--data <dir>', 'the node\'s data directory (node.json, keys, TLS identity, agreement)')
    .option('--api-port <n>', 'listen for the user API on this port instead of node.json\'s (0: any free port)')
    .option('--federation-port <n>', 'listen for peers on this port instead of node.json\'s')
    .option('--no-scheduler', 'do not escalate overdue cases or send communication checks (for tests)')
    .addHelpText('after', `
On the first run the node creates an admin token for the user API and writes it to DIR/admin.token (mode 0600).
The user API listens on node.json's api.host (127.0.0.1 unless changed) over plain HTTP; its OpenAPI document is at /docs.

Examples:
  $ parley serve --data ./avalon
  $ parley serve --data ./avalon --api-port 8081`)
    .action(async (flags: ServeFlags) => {
      const { runNode } = await import('../node/run-node.js');
      const running = await runNode(flags.data, {
        ...(flags.apiPort !== undefined ? { apiPort: port(flags.apiPort, '--api-port') } : {}),
        ...(flags.federationPort !== undefined ? { federationPort: port(flags.federationPort, '--federation-port') } : {}),
        scheduler: flags.scheduler,
      });
      console.error(`parley: node ${running.node.party} running — federation ${running.federationUrl}, API ${running.apiUrl} (docs ${running.apiUrl}/docs)`);
      const signal = await untilSignal(['SIGINT', 'SIGTERM']);
      console.error(`parley: ${signal}: stopping`);
      await running.close();
    });
}
