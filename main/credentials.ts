import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError, WorkbenchError, errorMessage } from '../core/common/errors.js';

/**
 * Saved connection passwords (Postgres, Redis). The rule: they go to the OS keychain
 * through Electron's safeStorage, never into SQLite — the session store keeps only password-less
 * URLs (core/common/redact.ts). A password is kept encrypted in a small JSON file under
 * app.getPath('userData'), keyed by the URL without it, and joined back when a connection needs it.
 */

export interface SplitUrl {
  /** The URL without its password (user name, host, database and query kept): the key. */
  url: string;
  /** The decoded password, or null when the URL had none. */
  password: string | null;
}

function parse(raw: string): URL {
  try {
    return new URL(raw.trim());
  } catch {
    throw new UsageError(`not a connection URL: ${raw.replace(/\/\/[^@/]*@/, '//***@').slice(0, 200)}`);
  }
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a stray % that was never an escape: keep it as typed
  }
}

/** `postgres://app:s3cr%40t@db:5432/sark` -> `{ url: 'postgres://app@db:5432/sark', password: 's3cr@t' }`. */
export function splitPassword(raw: string): SplitUrl {
  const u = parse(raw);
  const password = u.password === '' ? null : decode(u.password);
  u.password = '';
  return { url: u.href, password };
}

/** The inverse of splitPassword: the password percent-encoded back into the user info. */
export function joinPassword(url: string, password: string | null): string {
  const u = parse(url);
  if (u.password !== '') throw new UsageError('the URL already carries a password');
  if (password === null || password === '') return u.href;
  // encodeURIComponent first: the URL setter leaves '%' alone, so 'a%41' would come back as 'aA'.
  u.password = encodeURIComponent(password);
  return u.href;
}

/** Electron's safeStorage (async API, Electron 45: the sync calls are deprecated), injected. */
export interface SecretCipher {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux: which keyring; 'basic_text' means a hard-coded key, i.e. no real protection. */
  getSelectedStorageBackend?(): string;
}

interface CredentialFile {
  version: 1;
  /** password-less URL -> base64 of safeStorage's ciphertext */
  passwords: Record<string, string>;
}

/** Only the user may read the file: ciphertext, but still nobody else's business (0600). */
const FILE_MODE = 0o600;

export class CredentialStore {
  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Why passwords cannot be saved here, or null when they can. */
  async unavailableReason(): Promise<string | null> {
    if (!(await this.cipher.isAsyncEncryptionAvailable())) return 'no OS keychain is available to encrypt passwords';
    if (this.platform === 'linux' && this.cipher.getSelectedStorageBackend?.() === 'basic_text') {
      return 'no keyring (GNOME Keyring or KWallet) is running, and a hard-coded key is no protection';
    }
    return null;
  }

  /** Saves the URL's password (if it has one); returns the password-less URL to store anywhere else. */
  async save(connectionUrl: string): Promise<string> {
    const { url, password } = splitPassword(connectionUrl);
    if (password === null) return url;
    const reason = await this.unavailableReason();
    if (reason !== null) throw new WorkbenchError(`the password was not saved: ${reason}`);
    const data = await this.read();
    data.passwords[url] = (await this.cipher.encryptStringAsync(password)).toString('base64');
    await this.write(data);
    return url;
  }

  /** The URL with its saved password joined back (unchanged when none is saved or it has one). */
  async fill(url: string): Promise<string> {
    const split = splitPassword(url);
    if (split.password !== null) return url;
    const encrypted = (await this.read()).passwords[split.url];
    if (encrypted === undefined) return split.url;
    try {
      const { result } = await this.cipher.decryptStringAsync(Buffer.from(encrypted, 'base64'));
      return joinPassword(split.url, result);
    } catch (err) {
      throw new WorkbenchError(`the saved password for ${split.url} cannot be decrypted (keychain changed?): ${errorMessage(err)}`);
    }
  }

  async forget(url: string): Promise<boolean> {
    const key = splitPassword(url).url;
    const data = await this.read();
    if (!(key in data.passwords)) return false;
    delete data.passwords[key];
    await this.write(data);
    return true;
  }

  /** The password-less URLs that have a saved password. */
  async list(): Promise<string[]> {
    return Object.keys((await this.read()).passwords).sort();
  }

  private async read(): Promise<CredentialFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, passwords: {} };
      throw new WorkbenchError(`cannot read saved passwords: ${errorMessage(err)}`);
    }
    try {
      const parsed = JSON.parse(text) as Partial<CredentialFile>;
      if (parsed.version !== 1 || typeof parsed.passwords !== 'object' || parsed.passwords === null) throw new Error('unknown format');
      const passwords: Record<string, string> = {};
      for (const [k, v] of Object.entries(parsed.passwords)) if (typeof v === 'string') passwords[k] = v;
      return { version: 1, passwords };
    } catch (err) {
      throw new WorkbenchError(`saved passwords file ${this.file} is damaged: ${errorMessage(err)}`);
    }
  }

  /** Write-then-rename: a crash mid-write leaves the old file, never half a file. */
  private async write(data: CredentialFile): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: FILE_MODE });
    await chmod(tmp, FILE_MODE); // mode is masked by the umask on creation
    await rename(tmp, this.file);
  }
}
