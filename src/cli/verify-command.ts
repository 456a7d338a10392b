/**
 * `parley verify FILE`: the offline audit of a log export. Exit 0 valid, 1 invalid (first bad line and rule, or a body
 * sealed to the `--key` party that does not open), 2 unreadable input or key.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { UnreadableInputError, verifyLogFile, type Progress } from '../audit/verify-file.js';
import { loadPinnedKeys } from '../audit/pinned-keys.js';
import { AuditFailure, type AuditSummary } from '../protocol/log-audit.js';
import { UsageError } from './usage-error.js';
import { checkSealedBodies, KeyringError, readKeyring, sealedLines, type Keyring, type SealedSummary } from './verify-sealed.js';

interface VerifyFlags {
  agreement?: string;
  workers?: string;
  json?: boolean;
  key?: string;
}

function progressPrinter(): ((p: Progress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const started = Date.now();
  return (p) => {
    const pct = p.totalBytes > 0 ? Math.floor((100 * p.bytesRead) / p.totalBytes) : 100;
    const rate = Math.round(p.statements / Math.max(0.001, (Date.now() - started) / 1000));
    process.stderr.write(`\rverifying: ${pct}% read, ${p.statements} statements checked (${rate}/s)   `);
  };
}

function printSummary(file: string, s: AuditSummary, sealed: SealedSummary): void {
  const last = s.checkpoints[s.checkpoints.length - 1];
  console.log(`OK ${file}`);
  console.log(`  log        ${s.origin} (party ${s.party}, agreement ${s.agreement})`);
  console.log(`  statements ${s.statements}, every signature valid, indices 0..${Math.max(0, s.statements - 1)} in order`);
  console.log(`  checkpoints ${s.checkpoints.length}${last ? `, latest size ${last.size} root ${last.root}` : ''}`);
  const witnessed = last?.cosignedBy.map((c) => `${c.witness} at ${new Date(c.time * 1000).toISOString()}`) ?? [];
  console.log(`  latest checkpoint cosigned by: ${witnessed.length > 0 ? witnessed.join(', ') : 'nobody'}`);
  if (s.keyRotations.length > 0) console.log(`  key rotations at indices ${s.keyRotations.map((r) => r.index).join(', ')}`);
  for (const line of sealedLines(sealed)) console.log(line);
}

/** The sealed bodies' pass; a key of another agreement is bad usage, not a bad log. */
async function sealedOf(file: string, summary: AuditSummary, keyring: Keyring | undefined): Promise<SealedSummary> {
  if (keyring && keyring.agreement !== summary.agreement) {
    throw new KeyringError(`--key holds ${keyring.party}'s keys for agreement "${keyring.agreement}", but ${file} is a log of agreement "${summary.agreement}"`);
  }
  return checkSealedBodies(file, keyring);
}

/** Every body sealed to the key's party that does not open, by index and rule (exit 1): the log verifies, but its author signed bodies an addressee cannot read. */
function reportUnopened(file: string, sealed: SealedSummary): void {
  const k = sealed.key;
  if (!k || k.failures.length === 0) return;
  console.error(`INVALID ${file}\n  ${k.failures.length} of ${k.opened + k.failures.length} bodies sealed to ${k.party} do not open:`);
  for (const f of k.failures) console.error(`  index ${f.index}: ${f.rule}: ${f.message}`);
  process.exitCode = 1;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description("audit a log export offline: every signature, the index sequence, every checkpoint's root, consistency, cosignatures")
    .argument('<file>', 'a log export (JSON Lines), as written by `parley export`')
    .option('--agreement <file>', 'pin the keys to a signed agreement (JSON or YAML; one signed version or the list of all versions)')
    .option('--workers <n>', 'worker threads for signature checks (default: one per core)')
    .option('--json', 'print the result as JSON on stdout')
    .option('--key <dir-or-file>', "also open every body sealed to a party: its node's data directory, or its encryption key file")
    .addHelpText(
      'after',
      `
Without --key, verify needs no private key: it checks every sealed body's form and says how many are sealed and to whom.
With --key, it also opens every body sealed to that key's party (old keys too) and names each that does not open.

Exit status: 0 the log verifies (and, with --key, every body sealed to that party opens); 1 it does not (the first bad
line and the rule it breaks are named, or each sealed body that does not open); 2 unreadable input, key or bad usage.

Examples:
  $ parley verify avalon.jsonl
  $ parley verify avalon.jsonl --agreement examples/avalon-borduria.signed.json
  $ parley verify big-log.jsonl --workers 2 --json
  $ parley verify avalon.jsonl --key ./borduria`,
    )
    .action(async (file: string, flags: VerifyFlags) => {
      const workers = flags.workers === undefined ? availableParallelism() : Number(flags.workers);
      if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new UsageError(`--workers must be a whole number from 0 to 64, got "${flags.workers}"`);
      try {
        const pinned = flags.agreement ? await loadPinnedKeys(flags.agreement) : undefined;
        const keyring = flags.key === undefined ? undefined : await readKeyring(flags.key);
        const onProgress = flags.json ? undefined : progressPrinter();
        const summary = await verifyLogFile(file, { workers, ...(pinned ? { pinned } : {}), ...(onProgress ? { onProgress } : {}) });
        if (onProgress) process.stderr.write('\n');
        const sealed = await sealedOf(file, summary, keyring);
        const opens = (sealed.key?.failures.length ?? 0) === 0;
        if (flags.json) console.log(JSON.stringify({ valid: opens, file, ...summary, sealed }, null, 2));
        else if (opens) printSummary(file, summary, sealed);
        reportUnopened(file, sealed);
      } catch (e) {
        if (e instanceof KeyringError) {
          console.error(`parley verify: ${e.message}`);
          process.exitCode = 2;
          return;
        }
        if (process.stderr.isTTY && !flags.json) process.stderr.write('\n');
        if (e instanceof AuditFailure) {
          if (flags.json) console.log(JSON.stringify({ valid: false, file, line: e.line, rule: e.rule, message: e.message }, null, 2));
          console.error(`INVALID ${file}\n  ${e.message}`);
          process.exitCode = 1;
          return;
        }
        if (e instanceof UnreadableInputError) {
          console.error(`parley verify: ${e.message}`);
          process.exitCode = 2;
          return;
        }
        throw e;
      }
    });
}
