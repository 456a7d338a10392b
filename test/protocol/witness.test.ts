import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addCheckpoint,
  formatAddCheckpointRequest,
  MAX_PROOF_LINES,
  parseAddCheckpointRequest,
  requestOrigin,
  type AddCheckpointRequest,
  type WitnessedLog,
} from '../../src/protocol/witness.js';
import { checkEquivocation, verifyEquivocation, type Equivocation } from '../../src/protocol/equivocation.js';
import { signCheckpoint } from '../../src/protocol/checkpoint.js';
import { verifyCosignature } from '../../src/protocol/cosignature.js';
import { consistencyProof, leafHash, rootOf } from '../../src/protocol/merkle.js';
import { ED25519_TYPE, formatVerifierKey } from '../../src/protocol/note-key.js';
import { parseNote } from '../../src/protocol/signed-note.js';
import { signingKeyFromSeed } from '../../src/protocol/keys.js';
import { sha256 } from '../../src/protocol/hash.js';
import { toBase64, utf8 } from '../../src/protocol/encoding.js';
import { FormatError, ProofError, SignatureError } from '../../src/protocol/errors.js';

function party(name: string) {
  const key = signingKeyFromSeed(sha256(utf8(`witness test: ${name}`)));
  return { name, signingKey: key, vkey: formatVerifierKey(name, ED25519_TYPE, key.publicKey.raw) };
}
const log = party('agreement-1/avalon');
const witness = party('agreement-1/borduria');
const stranger = party('agreement-1/carpathia');
const NOW = 1_800_000_000;

/** The leaf hashes of a log of n statements; `fork` changes statement `fork` (a history shown to someone else). */
function leaves(n: number, fork = -1): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(utf8(i === fork ? `forged statement ${i}` : `statement ${i}`)));
}
function rootAt(ls: Uint8Array[], size: number): Uint8Array {
  return rootOf(ls.slice(0, size));
}
function proofBetween(ls: Uint8Array[], m: number, n: number): Uint8Array[] {
  return consistencyProof(ls, m, n);
}
function noteAt(ls: Uint8Array[], size: number, signer = log): string {
  return signCheckpoint({ origin: log.name, size, root: rootAt(ls, size), extensions: [] }, signer.signingKey, log.name);
}
function request(ls: Uint8Array[], oldSize: number, size: number): AddCheckpointRequest {
  return { oldSize, proof: oldSize === 0 ? [] : proofBetween(ls, oldSize, size), note: noteAt(ls, size) };
}
function add(state: WitnessedLog | undefined, req: AddCheckpointRequest) {
  return addCheckpoint(state, req, log.vkey, witness, NOW);
}
function cosigned(state: WitnessedLog | undefined, req: AddCheckpointRequest): WitnessedLog {
  const r = add(state, req);
  assert.ok(r.ok, r.ok ? '' : `refused ${r.status}: ${r.reason}`);
  return r.state;
}
function statusOf(r: ReturnType<typeof add>): number {
  return r.ok ? 200 : r.status;
}
function copy(state: WitnessedLog): WitnessedLog {
  return { ...state, root: new Uint8Array(state.root) };
}

const history = leaves(40);

describe('add-checkpoint request body', () => {
  // The example request of c2sp.org/tlog-witness.
  const SPEC_BODY =
    'old 20852014\n' +
    'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n' +
    'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n' +
    '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n' +
    '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n' +
    '\n' +
    'example.com/behind-the-sofa\n' +
    '20852163\n' +
    'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n' +
    '\n' +
    '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
    '\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n';

  test('the spec example parses, and formats back byte for byte', () => {
    const r = parseAddCheckpointRequest(SPEC_BODY);
    assert.equal(r.oldSize, 20852014);
    assert.equal(r.proof.length, 4);
    assert.ok(r.proof.every((h) => h.byteLength === 32));
    assert.equal(parseNote(r.note).signatures.length, 2);
    assert.equal(requestOrigin(r), 'example.com/behind-the-sofa');
    assert.equal(formatAddCheckpointRequest(r), SPEC_BODY);
  });
  test('malformed bodies are refused with witness.request', () => {
    const refused = (body: string) =>
      assert.throws(() => parseAddCheckpointRequest(body), (e: unknown) => e instanceof FormatError, JSON.stringify(body.slice(0, 60)));
    const note = noteAt(history, 3);
    refused(note);
    refused(`old 01\n\n${note}`);
    refused(`old -1\n\n${note}`);
    refused(`Old 1\n\n${note}`);
    refused(`old 1 \n\n${note}`);
    refused(`old 1\n${toBase64(new Uint8Array(31))}\n\n${note}`);
    refused(`old 1\nnot base64\n\n${note}`);
    refused(`old 1\n${`${toBase64(new Uint8Array(32))}\n`.repeat(MAX_PROOF_LINES + 1)}\n${note}`);
    refused('old 1\n\n');
    assert.equal(parseAddCheckpointRequest(`old 1\n${`${toBase64(new Uint8Array(32))}\n`.repeat(MAX_PROOF_LINES)}\n${note}`).proof.length, MAX_PROOF_LINES);
  });
  test('round trip of real requests', () => {
    for (const [m, n] of [[0, 5], [5, 5], [3, 17], [16, 40]] as const) {
      const r = request(history, m, n);
      assert.deepEqual(parseAddCheckpointRequest(formatAddCheckpointRequest(r)), r);
    }
  });
});

describe('the witness rule', () => {
  test('a first checkpoint (old 0) is cosigned; the cosignature verifies with the witness key', () => {
    const r = add(undefined, request(history, 0, 5));
    assert.ok(r.ok);
    const text = parseNote(noteAt(history, 5)).text;
    assert.deepEqual(verifyCosignature(text, r.cosignature, witness.vkey), { name: witness.name, time: NOW });
    assert.equal(r.state.size, 5);
    assert.deepEqual(r.state.root, rootAt(history, 5));
    assert.equal(r.state.origin, log.name);
  });
  test('growth with an honest consistency proof is cosigned', () => {
    const s5 = cosigned(undefined, request(history, 0, 5));
    const s12 = cosigned(s5, request(history, 5, 12));
    assert.equal(s12.size, 12);
  });
  test('the same checkpoint again is cosigned again', () => {
    const s5 = cosigned(undefined, request(history, 0, 5));
    assert.equal(cosigned(s5, { oldSize: 5, proof: [], note: noteAt(history, 5) }).size, 5);
  });
  test('409 with the latest size when the old size is not the latest cosigned one', () => {
    const s5 = cosigned(undefined, request(history, 0, 5));
    const r = add(s5, request(history, 3, 12));
    assert.deepEqual(r.ok ? null : [r.status, r.latestSize], [409, 5]);
    const fresh = add(undefined, request(history, 3, 12));
    assert.deepEqual(fresh.ok ? null : [fresh.status, fresh.latestSize], [409, 0]);
  });
  test('400 when the old size is larger than the checkpoint (a rollback)', () => {
    const s12 = cosigned(cosigned(undefined, request(history, 0, 5)), request(history, 5, 12));
    assert.equal(statusOf(add(s12, { oldSize: 12, proof: [], note: noteAt(history, 5) })), 400);
  });
  test('422 for a proof that does not verify', () => {
    const s5 = cosigned(undefined, request(history, 0, 5));
    const req = request(history, 5, 12);
    assert.equal(statusOf(add(s5, { ...req, proof: [sha256(utf8('garbage')), ...req.proof.slice(1)] })), 422);
    assert.equal(statusOf(add(s5, { ...req, proof: req.proof.slice(1) })), 422);
    assert.equal(statusOf(add(s5, { ...req, proof: [...req.proof, sha256(utf8('extra'))] })), 422);
  });
  test('400 for a non-empty proof with old size 0', () => {
    assert.equal(statusOf(add(undefined, { ...request(history, 0, 5), proof: [sha256(utf8('x'))] })), 400);
  });
  test('403 when the log did not sign it, 404 for another log, 400 for a malformed note', () => {
    const byStranger = signCheckpoint({ origin: log.name, size: 5, root: rootAt(history, 5), extensions: [] }, stranger.signingKey, log.name);
    assert.equal(statusOf(add(undefined, { oldSize: 0, proof: [], note: byStranger })), 403);
    const otherLog = signCheckpoint({ origin: stranger.name, size: 5, root: rootAt(history, 5), extensions: [] }, stranger.signingKey, stranger.name);
    assert.equal(statusOf(add(undefined, { oldSize: 0, proof: [], note: otherLog })), 404);
    assert.equal(statusOf(add(undefined, { oldSize: 0, proof: [], note: 'not a note\n' })), 400);
  });
  test('a different root at the same size is equivocation: 409 with evidence anyone can check', () => {
    const s8 = cosigned(undefined, request(history, 0, 8));
    const forked = leaves(8, 2);
    const r = add(s8, { oldSize: 8, proof: [], note: noteAt(forked, 8) });
    assert.ok(!r.ok);
    assert.equal(r.status, 409);
    assert.equal(r.latestSize, 8);
    assert.ok(r.equivocation);
    assert.equal(r.equivocation.kind, 'same-size-different-root');
    assert.doesNotThrow(() => verifyEquivocation(r.equivocation!, log.vkey));
  });
});

describe('witness properties', () => {
  test('a random sequence of growing checkpoints with honest proofs is always cosigned', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 }), (sizes) => {
        let state: WitnessedLog | undefined;
        for (const n of [...sizes].sort((a, b) => a - b)) {
          state = cosigned(state, request(history, state?.size ?? 0, n));
          assert.equal(state.size, n);
          assert.deepEqual(state.root, rootAt(history, n));
        }
      }),
      { numRuns: 40 },
    );
  });

  test('a forged proof, a rollback, or a different root at the same size is refused, and the state stays as it was', () => {
    function refused(state: WitnessedLog, req: AddCheckpointRequest, status: number): void {
      const before = copy(state);
      assert.equal(statusOf(add(state, req)), status);
      assert.deepEqual(state, before);
    }
    const sizes = fc.integer({ min: 1, max: 40 });
    fc.assert(
      fc.property(sizes, sizes, fc.nat(), fc.constantFrom('forged proof', 'rollback', 'fork'), (a, b, at, attack) => {
        const [m, n] = a <= b ? [a, b] : [b, a];
        if (attack === 'forged proof') {
          fc.pre(m < n);
          const honest = request(history, m, n);
          const proof = honest.proof.map((h) => new Uint8Array(h));
          const hash = proof[at % proof.length]!;
          const byte = (at >> 3) % 32;
          hash[byte] = hash[byte]! ^ (1 << (at % 8));
          refused(cosigned(undefined, request(history, 0, m)), { ...honest, proof }, 422);
        } else if (attack === 'rollback') {
          fc.pre(m < n);
          const state = cosigned(undefined, request(history, 0, n));
          refused(state, { oldSize: n, proof: [], note: noteAt(history, m) }, 400);
          refused(state, { oldSize: m, proof: [], note: noteAt(history, m) }, 409);
        } else {
          refused(cosigned(undefined, request(history, 0, m)), { oldSize: m, proof: [], note: noteAt(leaves(m, at % m), m) }, 409);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('equivocation evidence', () => {
  const forked = leaves(20, 3);
  test('two signed checkpoints of one size with different roots', () => {
    const ev = checkEquivocation(noteAt(history, 10), noteAt(forked, 10), log.vkey);
    assert.ok(ev);
    assert.equal(ev.kind, 'same-size-different-root');
    assert.equal(ev.origin, log.name);
    assert.deepEqual(verifyEquivocation(ev, log.vkey).first.size, 10);
    assert.equal(checkEquivocation(noteAt(history, 10), noteAt(history, 10), log.vkey), null);
  });
  test('unsigned "evidence" proves nothing', () => {
    const forged = signCheckpoint({ origin: log.name, size: 10, root: rootAt(forked, 10), extensions: [] }, stranger.signingKey, log.name);
    assert.throws(() => checkEquivocation(noteAt(history, 10), forged, log.vkey), SignatureError);
    const ev: Equivocation = { origin: log.name, kind: 'same-size-different-root', first: noteAt(history, 10), second: forged };
    assert.throws(() => verifyEquivocation(ev, log.vkey), SignatureError);
  });
  test('checkpoints of different sizes with an honest proof are consistent', () => {
    assert.equal(checkEquivocation(noteAt(history, 7), noteAt(history, 20), log.vkey, proofBetween(history, 7, 20)), null);
    assert.equal(checkEquivocation(noteAt(history, 20), noteAt(history, 7), log.vkey), null);
  });
  test('inconsistent checkpoints: the true prefix root, tied by a proof to the larger signed root, is not the signed smaller root', () => {
    for (const m of [4, 7]) {
      // The log showed someone a size-m checkpoint of the forked history, and signs size 20 of the honest one.
      const small = noteAt(forked, m);
      const big = noteAt(history, 20);
      const proof = proofBetween(history, m, 20);
      const ev = checkEquivocation(small, big, log.vkey, proof, rootAt(history, m));
      assert.ok(ev, `size ${m}`);
      assert.equal(ev.kind, 'inconsistent');
      assert.doesNotThrow(() => verifyEquivocation(ev, log.vkey));
      assert.throws(() => checkEquivocation(small, big, log.vkey, proof), (e: unknown) => e instanceof ProofError && e.rule === 'equivocation.proof');
      const tampered = { ...ev, prefixRoot: toBase64(sha256(utf8('made up'))) };
      assert.throws(() => verifyEquivocation(tampered, log.vkey), (e: unknown) => e instanceof ProofError && e.rule === 'equivocation.evidence');
      const notContradicting = { ...ev, first: noteAt(history, m), prefixRoot: toBase64(rootAt(history, m)) };
      assert.throws(() => verifyEquivocation(notContradicting, log.vkey), ProofError);
    }
  });
  test('evidence of a kind that does not match the notes is refused', () => {
    const ev: Equivocation = { origin: log.name, kind: 'same-size-different-root', first: noteAt(history, 9), second: noteAt(history, 10) };
    assert.throws(() => verifyEquivocation(ev, log.vkey), ProofError);
    assert.throws(() => verifyEquivocation({ ...ev, origin: 'agreement-1/other' }, log.vkey), ProofError);
  });
});
