/**
 * The parties of an example agreement, each a `parley serve` process on loopback: data directories made as the
 * demo makes them (src/demo/demo-network.ts), the agreement signed by all and installed, then one process per party.
 * Each party comes with a client of its user API holding a duty-officer token (made with the first-run admin token).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_TOKEN_FILE } from '../../../src/api/tokens.js';
import { ApiClient } from '../../../src/cli/api-client.js';
import { prepareDemoDirs } from '../../../src/demo/demo-network.js';
import type { SignedAgreement } from '../../../src/protocol/agreement-signature.js';
import { PartyProcess } from './party-process.js';

export interface NetworkParty {
  party: string;
  process: PartyProcess;
  /** Duty officer: reads everything and sends at the technical tier. */
  api: ApiClient;
}

export class ProcessNetwork {
  private constructor(readonly signed: SignedAgreement, readonly parties: NetworkParty[]) {}

  /** Makes the data directories under `dir` and starts every party (2: avalon-borduria, 5: regional-5). */
  static async start(dir: string, parties: 2 | 5 = 2): Promise<ProcessNetwork> {
    const { signed, files } = await prepareDemoDirs({ dir, parties });
    const members: NetworkParty[] = [];
    const network = new ProcessNetwork(signed, members);
    try {
      await Promise.all(files.map(async (f) => {
        const process = new PartyProcess(f);
        await process.start();
        const admin = new ApiClient(process.apiUrl, (await readFile(join(f.dir, ADMIN_TOKEN_FILE), 'utf8')).trim());
        const { token } = await admin.post<{ token: string }>('/api/v1/tokens', { name: 'integration test', role: 'duty-officer' });
        members.push({ party: f.config.party, process, api: new ApiClient(process.apiUrl, token) });
      }));
    } catch (e) {
      await network.close();
      throw e;
    }
    members.sort((a, b) => files.findIndex((f) => f.config.party === a.party) - files.findIndex((f) => f.config.party === b.party));
    return network;
  }

  get agreementId(): string {
    return this.signed.agreement.id;
  }

  party(id: string): NetworkParty {
    const p = this.parties.find((x) => x.party === id);
    if (!p) throw new Error(`no party "${id}" in this network`);
    return p;
  }

  /** Stops every running process gracefully. */
  async close(): Promise<void> {
    await Promise.all(this.parties.map((p) => p.process.stop()));
  }

  /** Every process's recent output, for a failure report. */
  output(): string {
    return this.parties.map((p) => `===== ${p.party} =====\n${p.process.output()}`).join('\n');
  }

  /**
   * Runs a test's body; if it fails, the error carries what the nodes wrote, since that is where the reason usually
   * is and the processes' output is not otherwise shown.
   */
  async explaining<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      if (e instanceof Error) e.message += `\n\nnode output:\n${this.output()}`;
      throw e;
    }
  }
}
