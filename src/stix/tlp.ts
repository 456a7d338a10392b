/**
 * TLP 2.0 read from STIX marking definitions, and who may see what.
 *
 * The marking-definition ids are the standard ones: TLP 2.0 from the OASIS TLP 2.0 extension
 * (extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d), and TLP 1.0 from the STIX 2.1 specification
 * (§7.2.1.4), read as their TLP 2.0 equivalents (WHITE became CLEAR).
 */
import { TLP_LEVELS } from '../protocol/bodies/common.js';

export type TlpLevel = (typeof TLP_LEVELS)[number];

export const TLP2_MARKINGS: Readonly<Record<TlpLevel, string>> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

const TLP1_MARKINGS: Readonly<Record<string, TlpLevel>> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR', // TLP:WHITE
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
};

const LEVEL_OF_MARKING: ReadonlyMap<string, TlpLevel> = new Map([
  ...Object.entries(TLP2_MARKINGS).map(([level, id]) => [id, level as TlpLevel] as const),
  ...Object.entries(TLP1_MARKINGS),
]);

/**
 * What an envelope without any TLP marking is shared as. AMBER, not CLEAR: unmarked information is not declared
 * public, and AMBER addressed to every party (the default addressees) reaches the whole agreement anyway.
 */
export const DEFAULT_TLP: TlpLevel = 'AMBER';

/** How restrictive a level is: higher is stricter. */
export function strictness(level: TlpLevel): number {
  return TLP_LEVELS.indexOf(level);
}

/** The strictest TLP level among an object's markings (object_marking_refs and granular markings), if any. */
export function tlpOfObject(object: Record<string, unknown>): TlpLevel | undefined {
  const refs: unknown[] = [];
  if (Array.isArray(object.object_marking_refs)) refs.push(...object.object_marking_refs);
  if (Array.isArray(object.granular_markings)) refs.push(...object.granular_markings.map((g) => (g as { marking_ref?: unknown })?.marking_ref));
  let found: TlpLevel | undefined;
  for (const r of refs) {
    const level = typeof r === 'string' ? LEVEL_OF_MARKING.get(r) : undefined;
    if (level && (found === undefined || strictness(level) > strictness(found))) found = level;
  }
  return found;
}

/** The level of a set of objects shared together: the strictest of theirs, or the default when none is marked. */
export function tlpOfObjects(objects: ReadonlyArray<Record<string, unknown>>): TlpLevel {
  let found: TlpLevel | undefined;
  for (const o of objects) {
    const level = tlpOfObject(o);
    if (level && (found === undefined || strictness(level) > strictness(found))) found = level;
  }
  return found ?? DEFAULT_TLP;
}

/** Whether the level lets every party of the agreement see the objects, whoever they were addressed to. */
export function sharedWithEveryParty(level: TlpLevel): boolean {
  return level === 'CLEAR' || level === 'GREEN';
}

/**
 * Whether `party` may see what a statement carries: its author and addressees may; everyone else only when the
 * level is CLEAR or GREEN. (AMBER, AMBER+STRICT and RED stay with the parties the author addressed.)
 */
export function mayRead(party: string, statement: { author: string; to: readonly string[] }, level: TlpLevel): boolean {
  return statement.author === party || statement.to.includes(party) || sharedWithEveryParty(level);
}

export function isTlpLevel(x: unknown): x is TlpLevel {
  return typeof x === 'string' && (TLP_LEVELS as readonly string[]).includes(x);
}
