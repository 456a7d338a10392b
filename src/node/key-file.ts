/**
 * The party's private key on disk: one C2SP signer key ("PRIVATE+KEY+<name>+<id>+<base64>") in a file only its owner
 * can read. Like ssh, we refuse a key file that group or others could read or write: a key that may have been copied
 * or replaced is not one to sign an agreement's statements with.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ProtocolError } from '../protocol/errors.js';
import type { SigningKey } from '../protocol/keys.js';
import { ED25519_TYPE, formatSignerKey, parseSignerKey, type SignerKey } from '../protocol/note-key.js';
import { formatEncryptionPrivateKey, parseEncryptionPrivateKey, type EncryptionKeyPair } from '../protocol/encryption-key.js';

export type KeyFileProblem = 'exists' | 'missing' | 'not-a-file' | 'permissions' | 'format' | 'io';

export class KeyFileError extends Error {
  readonly path: string;
  readonly problem: KeyFileProblem;
  constructor(path: string, problem: KeyFileProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyFileError';
    this.path = path;
    this.problem = problem;
  }
}

const KEY_FILE_MODE = 0o600;
/** No permission bit for group or others. */
const GROUP_OR_OTHERS = 0o077;
/** A signer key is about a hundred bytes; anything far larger is not a key file. */
const MAX_KEY_FILE_BYTES = 4096;

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

function ioError(path: string, action: string, e: unknown): KeyFileError {
  return new KeyFileError(path, 'io', `cannot ${action} key file ${path}: ${(e as Error).message}`, { cause: e });
}

function existsError(path: string): KeyFileError {
  return new KeyFileError(path, 'exists', `key file ${path} already exists; refusing to overwrite a key (move it away first if you mean to replace it)`);
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Not every platform can fsync a directory; the file itself is already synced.
  } finally {
    await handle?.close();
  }
}

/** Moves the finished temporary file to `path` without ever replacing an existing file. */
async function publish(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path); // atomic, and fails with EEXIST instead of replacing
    await unlink(temp);
    return;
  } catch (e) {
    if (code(e) === 'EEXIST') throw existsError(path);
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(code(e) ?? '')) throw ioError(path, 'write', e);
  }
  // No hard links here (some network and FAT file systems): check, then rename.
  if (await stat(path).then(() => true, () => false)) throw existsError(path);
  await rename(temp, path);
}

/**
 * Writes `text` to a new file at `path`, mode 0600, atomically: a crash leaves either no key file or the whole one.
 * Refuses to overwrite an existing file.
 */
export async function writeKeyFile(path: string, text: string): Promise<void> {
  if (await stat(path).then(() => true, () => false)) throw existsError(path);
  await writeThrough(path, text, (temp) => publish(temp, path));
}

/**
 * Replaces the key file at `path` with `text`, atomically (a crash leaves the old file or the new one, whole): for
 * a file that only grows, such as the encryption keys after a rotation. Mode 0600, like a new one.
 */
export async function replaceKeyFile(path: string, text: string): Promise<void> {
  await writeThrough(path, text, (temp) => rename(temp, path));
}

/** Writes `text` to a synced temporary file beside `path` (0600), then lets `place` move it to `path`. */
async function writeThrough(path: string, text: string, place: (temp: string) => Promise<void>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, KEY_FILE_MODE);
    await handle.chmod(KEY_FILE_MODE); // the umask may have removed bits, never added: make the mode exact
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await place(temp);
    await syncDirectory(dirname(path));
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw e instanceof KeyFileError ? e : ioError(path, 'write', e);
  }
}

function modeText(mode: number): string {
  return '0' + (mode & 0o777).toString(8).padStart(3, '0');
}

/** Reads a key file, refusing one that group or others can read or write. */
export async function readKeyFile(path: string): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY);
  } catch (e) {
    if (code(e) === 'ENOENT') throw new KeyFileError(path, 'missing', `key file ${path} does not exist`, { cause: e });
    throw ioError(path, 'open', e);
  }
  try {
    // Checked on the open file, not the path: the file cannot be swapped between the check and the read.
    const st = await handle.stat();
    if (!st.isFile()) throw new KeyFileError(path, 'not-a-file', `key file ${path} is not a regular file`);
    if ((st.mode & GROUP_OR_OTHERS) !== 0) {
      throw new KeyFileError(
        path,
        'permissions',
        `key file ${path} has mode ${modeText(st.mode)}: group or others can read or write it. Fix with: chmod 600 ${path}`,
      );
    }
    if (st.size > MAX_KEY_FILE_BYTES) throw new KeyFileError(path, 'format', `key file ${path} is ${st.size} bytes: not a key file`);
    return await handle.readFile('utf8');
  } catch (e) {
    throw e instanceof KeyFileError ? e : ioError(path, 'read', e);
  } finally {
    await handle.close();
  }
}

/** Writes the party's signing key as a C2SP Ed25519 signer key named `name`, followed by a newline. */
export async function writeSigningKey(path: string, name: string, signingKey: SigningKey): Promise<void> {
  await writeKeyFile(path, formatSignerKey(name, ED25519_TYPE, signingKey.seed) + '\n');
}

/** Reads the signer key in a key file (one line; a final newline is allowed). */
export async function readSigningKey(path: string): Promise<SignerKey> {
  const text = await readKeyFile(path);
  const line = text.endsWith('\n') ? text.slice(0, -1) : text;
  try {
    return parseSignerKey(line);
  } catch (e) {
    const why = e instanceof ProtocolError ? `${e.rule}: ${e.message}` : (e as Error).message;
    throw new KeyFileError(path, 'format', `key file ${path} does not hold a valid signer key (${why})`, { cause: e });
  }
}

/**
 * Writes the party's X25519 encryption keys, one "PRIVATE+X25519+<name>+<base64>" line each, oldest first: the last is
 * the one the agreement (or the latest encryption-key-rotation) publishes; older ones stay to open older bodies.
 */
export async function writeEncryptionKeys(path: string, name: string, keyPairs: readonly EncryptionKeyPair[]): Promise<void> {
  await writeKeyFile(path, encryptionKeysText(name, keyPairs));
}

function encryptionKeysText(name: string, keyPairs: readonly EncryptionKeyPair[]): string {
  return keyPairs.map((k) => formatEncryptionPrivateKey(name, k.privateKey) + '\n').join('');
}

/**
 * Adds a new key pair after the keys of the file (which must all be named `name`): the newest is last, and the older
 * ones stay so that bodies sealed to them still open. Resolves with all the keys, oldest first.
 */
export async function appendEncryptionKey(path: string, name: string, keyPair: EncryptionKeyPair): Promise<EncryptionKeyPair[]> {
  const keys = [...(await readEncryptionKeys(path, name)), keyPair];
  await replaceKeyFile(path, encryptionKeysText(name, keys));
  return keys;
}

/** Reads the encryption keys of a key file (at least one), each named `name`. */
export async function readEncryptionKeys(path: string, name: string): Promise<EncryptionKeyPair[]> {
  const lines = (await readKeyFile(path)).split('\n').filter((l) => l !== '');
  if (lines.length === 0) throw new KeyFileError(path, 'format', `key file ${path} holds no encryption key`);
  return lines.map((line, i) => {
    let parsed;
    try {
      parsed = parseEncryptionPrivateKey(line);
    } catch (e) {
      const why = e instanceof ProtocolError ? `${e.rule}: ${e.message}` : (e as Error).message;
      throw new KeyFileError(path, 'format', `key file ${path}, line ${i + 1}, is not an encryption key (${why})`, { cause: e });
    }
    if (parsed.name !== name) throw new KeyFileError(path, 'format', `key file ${path}, line ${i + 1}, holds the key of "${parsed.name}", not "${name}"`);
    return parsed.keyPair;
  });
}
