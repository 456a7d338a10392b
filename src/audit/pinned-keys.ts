/** `parley verify --agreement FILE`: the keys all parties signed, so that an export proves who said what. */
import { readFile } from 'node:fs/promises';
import { readAgreementText } from '../protocol/agreement-parse.js';
import { checkSignedAgreement, verifyAgreementHistory, type SignedAgreement } from '../protocol/agreement-signature.js';
import { UnreadableInputError, type PinnedKeys } from './verify-file.js';

function parseDocument(path: string, text: string): unknown {
  try {
    return readAgreementText(text);
  } catch (e) {
    throw new UnreadableInputError(`${path}: ${(e as Error).message}`);
  }
}

/**
 * Reads one signed agreement, or the list of all its signed versions, checks it is in force, and returns every
 * signing key each party has had across the versions (a log made before an amendment is signed with the earlier key).
 */
export async function loadPinnedKeys(path: string): Promise<PinnedKeys> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UnreadableInputError(`cannot read the agreement ${path}: ${(e as Error).message}`);
  }
  const doc = parseDocument(path, text);
  const versions = (Array.isArray(doc) ? doc : [doc]) as SignedAgreement[];
  try {
    if (versions.length > 1) verifyAgreementHistory(versions);
    else {
      const status = checkSignedAgreement(versions[0]!);
      if (!status.inForce) throw new Error(`not in force: no signature yet from ${status.missing.join(', ')}`);
    }
  } catch (e) {
    throw new UnreadableInputError(`the agreement ${path} cannot pin keys: ${(e as Error).message}`);
  }
  const pinned: PinnedKeys = {};
  for (const v of versions) {
    for (const p of v.agreement.parties) {
      const keys = (pinned[p.id] ??= []);
      if (!keys.includes(p.signingKey)) keys.push(p.signingKey);
    }
  }
  return pinned;
}
