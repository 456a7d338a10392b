/**
 * `parley demo`: the example agreement's nodes on this machine, an incident scenario between them, an audit of every
 * log. The work is in src/demo/, loaded only when the command runs, so that other commands start fast.
 */
import type { Command } from 'commander';
import type { DemoFlags } from '../demo/demo-run.js';

/** Deadlines of hours pass in seconds: 1 real second = 30 minutes. */
const DEFAULT_SPEED = 1800;

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description("start the example agreement's nodes on this machine, play an incident scenario between them, and audit every log")
    .option('--parties <n>', '2 (the bilateral example) or 5 (the regional example)', '2')
    .option('--exit', 'end after the summary (exit 0 only if everything verified) instead of keeping the nodes running')
    .option('--data <dir>', "keep the nodes' data under this directory, one directory per party (default: a temporary directory)")
    .option('--json', 'print the summary as JSON')
    .option('--speed <factor>', 'how much faster than real time the nodes\' clock runs', String(DEFAULT_SPEED))
    .addHelpText('after', `
Examples:
  npx parley demo                 two nodes, the scenario, the audit; then the nodes keep running until Ctrl-C
  npx parley demo --parties 5     the regional example: five nodes, each witnessing the others
  npx parley demo --exit --json   a machine-readable summary; exit status 0 only if everything verified
  npx parley demo --data ./demo   keep the data directories (./demo/avalon, ./demo/borduria) for a look afterwards`)
    .action(async (flags: DemoFlags) => (await import('../demo/demo-run.js')).runDemo(flags));
}
