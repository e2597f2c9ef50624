import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, WorkbenchError } from '../../../core/common/errors.js';
import { CredentialStore, joinPassword, splitPassword, type SecretCipher } from '../../../main/credentials.js';

describe('splitting a connection URL', () => {
  const cases: Array<[string, string, string | null]> = [
    ['postgres://sark:s3cret@db.internal:5432/sark?sslmode=require', 'postgres://sark@db.internal:5432/sark?sslmode=require', 's3cret'],
    ['postgresql://app:p%40ss%3Aw%2Frd@127.0.0.1/test', 'postgresql://app@127.0.0.1/test', 'p@ss:w/rd'],
    ['redis://:hunter2@127.0.0.1:6379/3', 'redis://127.0.0.1:6379/3', 'hunter2'],
    ['redis://default:pw@cache:6380', 'redis://default@cache:6380', 'pw'],
    ['postgres://postgres@127.0.0.1:5432/test', 'postgres://postgres@127.0.0.1:5432/test', null],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379', null],
  ];

  it.each(cases)('%s', (raw, url, password) => {
    expect(splitPassword(raw)).toEqual({ url, password });
  });

  it.each(cases)('joins back to the same connection: %s', (raw) => {
    const { url, password } = splitPassword(raw);
    const joined = joinPassword(url, password);
    expect(splitPassword(joined)).toEqual(splitPassword(raw));
    expect(new URL(joined).host).toBe(new URL(raw).host);
  });

  it('round-trips passwords made of awkward characters', () => {
    for (const password of ['a%41b', 'p@ss:word/?#[]', 'ünïcødé', ' spaced ', '%', '100%']) {
      const joined = joinPassword('postgres://u@h:5432/d', password);
      expect(splitPassword(joined)).toEqual({ url: 'postgres://u@h:5432/d', password });
    }
  });

  it('refuses non-URLs and double passwords with one line, never echoing a password', () => {
    expect(() => splitPassword('host=db user=sark password=x')).toThrow(UsageError);
    expect(() => splitPassword('not a url://u:topsecret@')).toThrow('not a connection URL: not a url://***@');
    expect(() => joinPassword('postgres://u:already@h/d', 'x')).toThrow('already carries a password');
  });
});

/** A reversible stand-in for the OS keychain: what matters is what reaches the file. */
function cipher(opts: { available?: boolean; backend?: string } = {}): SecretCipher {
  return {
    isAsyncEncryptionAvailable: async () => opts.available ?? true,
    encryptStringAsync: async (plain) => Buffer.from(`v10${[...plain].reverse().join('')}`, 'utf8'),
    decryptStringAsync: async (encrypted) => {
      const text = encrypted.toString('utf8');
      if (!text.startsWith('v10')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return { result: [...text.slice(3)].reverse().join(''), shouldReEncrypt: false };
    },
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
  };
}

describe('saved passwords', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-main-credentials-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the password encrypted in its own file and hands back the password-less URL', async () => {
    const file = join(dir, 'a', 'credentials.json');
    const store = new CredentialStore(file, cipher(), 'linux');
    expect(await store.save('postgres://sark:Sup3rSecret@db:5432/sark')).toBe('postgres://sark@db:5432/sark');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('Sup3rSecret');
    expect(text).toContain('postgres://sark@db:5432/sark');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await store.fill('postgres://sark@db:5432/sark')).toBe('postgres://sark:Sup3rSecret@db:5432/sark');
    expect(await store.list()).toEqual(['postgres://sark@db:5432/sark']);
  });

  it('leaves URLs alone when there is nothing saved or they carry their own password', async () => {
    const store = new CredentialStore(join(dir, 'b.json'), cipher(), 'linux');
    expect(await store.fill('redis://127.0.0.1:6379/2')).toBe('redis://127.0.0.1:6379/2');
    await store.save('redis://:old@127.0.0.1:6379/2');
    expect(await store.fill('redis://:typed@127.0.0.1:6379/2')).toBe('redis://:typed@127.0.0.1:6379/2');
    expect(await store.save('redis://127.0.0.1:6379/2')).toBe('redis://127.0.0.1:6379/2');
    expect(await store.fill('redis://127.0.0.1:6379/2')).toBe('redis://:old@127.0.0.1:6379/2');
  });

  it('forgets a password', async () => {
    const store = new CredentialStore(join(dir, 'c.json'), cipher(), 'darwin');
    await store.save('postgres://u:p@h/d');
    expect(await store.forget('postgres://u:whatever@h/d')).toBe(true);
    expect(await store.forget('postgres://u@h/d')).toBe(false);
    expect(await store.fill('postgres://u@h/d')).toBe('postgres://u@h/d');
  });

  it('refuses to save rather than keep a password unprotected', async () => {
    const noKeychain = new CredentialStore(join(dir, 'd.json'), cipher({ available: false }), 'darwin');
    await expect(noKeychain.save('postgres://u:p@h/d')).rejects.toThrow('the password was not saved: no OS keychain');
    const basicText = new CredentialStore(join(dir, 'd.json'), cipher({ backend: 'basic_text' }), 'linux');
    await expect(basicText.save('postgres://u:p@h/d')).rejects.toThrow(/no keyring/);
    expect(() => readFileSync(join(dir, 'd.json'))).toThrow();
  });

  it('says so when the saved password cannot be decrypted or the file is damaged', async () => {
    const file = join(dir, 'e.json');
    writeFileSync(file, JSON.stringify({ version: 1, passwords: { 'postgres://u@h/d': Buffer.from('garbage').toString('base64') } }));
    const store = new CredentialStore(file, cipher(), 'linux');
    await expect(store.fill('postgres://u@h/d')).rejects.toThrow(/cannot be decrypted/);
    writeFileSync(file, '{ not json');
    await expect(store.list()).rejects.toThrow(WorkbenchError);
    await expect(store.list()).rejects.toThrow(/is damaged/);
  });
});
