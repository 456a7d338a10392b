/**
 * Who may do what. Least privilege: every route names the roles that may call it, and sending additionally depends
 * on what is said — a duty officer speaks at the technical tier; what goes to the diplomatic or political tier,
 * escalations and statements about the channel itself need an approver. Admins manage tokens and read; auditors read.
 */
import type { Tier } from '../protocol/agreement.js';
import { statementType } from '../protocol/statement-types.js';
import type { Role } from '../storage/store.js';

export const READERS: readonly Role[] = ['duty-officer', 'approver', 'auditor', 'admin'];
export const SENDERS: readonly Role[] = ['duty-officer', 'approver'];
export const APPROVERS: readonly Role[] = ['approver'];
export const ADMINS: readonly Role[] = ['admin'];

/** Who may send a statement type through the API. "node": only the node itself signs these (receipts, key rotations). */
export type SendRight = 'duty-officer' | 'approver' | 'node';

export const SEND_RIGHTS: Readonly<Record<string, SendRight>> = {
  notification: 'duty-officer',
  'request-for-information': 'duty-officer',
  'request-for-assistance': 'duty-officer',
  'prior-notice': 'duty-officer',
  'consultation-request': 'duty-officer',
  acknowledgement: 'duty-officer',
  response: 'duty-officer',
  closure: 'duty-officer',
  'communication-check': 'duty-officer',
  'communication-check-reply': 'duty-officer',
  indicators: 'duty-officer',
  sighting: 'duty-officer', // TAXII (issue 5)
  escalation: 'approver',
  'commitment-affirmation': 'approver',
  'contacts-update': 'approver',
  'review-report': 'approver',
  receipt: 'node',
  'key-rotation': 'node',
  'encryption-key-rotation': 'node',
};

/** Why a role may not send a draft, or undefined when it may. */
export function sendRefusal(role: Role, type: string, tier: Tier, lowestTier: Tier): string | undefined {
  if (!statementType(type)) return undefined; // an unknown type is the validator's to refuse (422), not a permission
  // A type added to the protocol but not to this table needs the higher role until someone decides otherwise.
  const right = SEND_RIGHTS[type] ?? 'approver';
  if (right === 'node') return `a ${type} is signed by the node itself, not sent through the API`;
  if (!SENDERS.includes(role)) return `the ${role} role cannot send statements`;
  if (role === 'approver') return undefined;
  if (right === 'approver') return `a ${type} needs the approver role`;
  if (tier !== lowestTier) return `a statement at the ${tier} tier needs the approver role`;
  return undefined;
}
