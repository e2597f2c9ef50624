import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/common/errors.js';
import { openFileHandler, readPickedFile, saveFileHandler, saveFilters, suggestedFileName, type DialogPort } from '../../../main/file-dialogs.js';
import { MAX_OPEN_FILE_BYTES, MAX_SAVE_FILE_BYTES } from '../../../main/ipc-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'sw-main-dialogs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Electron's dialog stand-in: answers with what "the user" picks, records what it was shown. */
function dialogs(pick: { open?: string | null; save?: string | null }) {
  const shown: { open: OpenDialogOptions[]; save: SaveDialogOptions[]; errors: string[] } = { open: [], save: [], errors: [] };
  const port: DialogPort = {
    showOpenDialog: async (o) => {
      shown.open.push(o);
      return pick.open ? { canceled: false, filePaths: [pick.open] } : { canceled: true, filePaths: [] };
    },
    showSaveDialog: async (o) => {
      shown.save.push(o);
      return pick.save ? { canceled: false, filePath: pick.save } : { canceled: true, filePath: '' };
    },
    showError: async (message, detail) => void shown.errors.push(`${message}: ${detail}`),
  };
  return { port, shown };
}

describe('openFile', () => {
  it('returns the name and text of the report the user picked', async () => {
    const file = join(dir, 'baseline.json');
    writeFileSync(file, '\uFEFF{"schema_version":1,"name":"café"}'); // with the BOM Windows editors add
    const { port, shown } = dialogs({ open: file });
    expect(await openFileHandler(port)).toEqual({ name: 'baseline.json', content: '{"schema_version":1,"name":"café"}' });
    expect(shown.open[0]?.properties).toEqual(['openFile']);
    expect(shown.open[0]?.filters?.[0]?.extensions).toEqual(['json']);
  });

  it('returns null when the user cancels', async () => {
    expect(await openFileHandler(dialogs({ open: null }).port)).toBeNull();
  });

  it('refuses a file over 64 MiB without reading it, and tells the user', async () => {
    const big = join(dir, 'huge.json');
    writeFileSync(big, '');
    truncateSync(big, MAX_OPEN_FILE_BYTES + 1024 * 1024); // sparse: nothing written to disk
    const { port, shown } = dialogs({ open: big });
    expect(await openFileHandler(port)).toBeNull();
    expect(shown.errors).toEqual(['The report could not be read: huge.json is 65 MiB; reports larger than 64 MiB cannot be imported']);
  });

  it('reads a file of exactly the limit', async () => {
    const f = join(dir, 'limit.json');
    writeFileSync(f, 'x'.repeat(1000));
    expect((await readPickedFile(f, 1000)).content).toHaveLength(1000);
    await expect(readPickedFile(f, 999)).rejects.toThrow(UsageError);
  });

  it('says clearly when the pick is a folder or vanished', async () => {
    await expect(readPickedFile(dir)).rejects.toThrow(/is not a file/);
    const { port, shown } = dialogs({ open: join(dir, 'gone.json') });
    expect(await openFileHandler(port)).toBeNull();
    expect(shown.errors[0]).toMatch(/^The report could not be read: cannot open gone\.json: ENOENT/);
  });
});

describe('saveFile', () => {
  it('writes the content to the path the user chose, and nowhere else', async () => {
    const chosen = join(dir, 'out', 'my-export.md');
    const before = readdirSync(dir);
    const { port, shown } = dialogs({ save: join(dir, 'chosen.md') });
    expect(await saveFileHandler(port, { name: 'session-1.md', content: '# Report\n' }, join(dir, 'docs'))).toBe(true);
    expect(readFileSync(join(dir, 'chosen.md'), 'utf8')).toBe('# Report\n');
    expect(readdirSync(dir).filter((f) => !before.includes(f))).toEqual(['chosen.md']);
    expect(existsSync(chosen)).toBe(false);
    // The page's name is only the dialog's suggestion, in the default folder, Markdown preselected.
    expect(shown.save[0]?.defaultPath).toBe(join(dir, 'docs', 'session-1.md'));
    expect(shown.save[0]?.filters?.[0]?.extensions).toEqual(['md']);
  });

  it('writes nothing when the user cancels', async () => {
    const before = readdirSync(dir).length;
    expect(await saveFileHandler(dialogs({ save: null }).port, { name: 'a.json', content: '{}' }, dir)).toBe(false);
    expect(readdirSync(dir)).toHaveLength(before);
  });

  it('cannot be steered outside the default folder by the suggested name', async () => {
    const { port, shown } = dialogs({ save: null });
    await saveFileHandler(port, { name: '../../../../etc/cron.d/evil', content: 'x' }, dir);
    await saveFileHandler(port, { name: 'C:\\Windows\\System32\\evil.dll', content: 'x' }, dir);
    expect(shown.save.map((o) => o.defaultPath)).toEqual([join(dir, 'evil'), join(dir, 'evil.dll')]);
  });

  const malformed: Array<[string, unknown]> = [
    ['no payload', undefined],
    ['a string', 'report.json'],
    ['no name', { content: '{}' }],
    ['an empty name', { name: '', content: '{}' }],
    ['a 300-character name', { name: `${'a'.repeat(300)}.json`, content: '{}' }],
    ['content that is not text', { name: 'a.json', content: { toString: () => '{}' } }],
    ['content as bytes', { name: 'a.json', content: [123, 125] }],
    ['an extra field (a path)', { name: 'a.json', content: '{}', path: '/etc/passwd' }],
  ];
  it.each(malformed)('refuses %s before showing any dialog', async (_why, payload) => {
    const { port, shown } = dialogs({ save: join(dir, 'never.json') });
    await expect(saveFileHandler(port, payload, dir)).rejects.toThrow(UsageError);
    expect(shown.save).toHaveLength(0);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });

  it('refuses content larger than any export could be', async () => {
    const { port, shown } = dialogs({ save: join(dir, 'never.json') });
    await expect(saveFileHandler(port, { name: 'a.json', content: 'x'.repeat(MAX_SAVE_FILE_BYTES + 1) }, dir)).rejects.toThrow(/saveFile refused/);
    // Multi-byte text: under the limit in characters, over it in UTF-8 bytes.
    const euros = '€'.repeat(Math.ceil(MAX_SAVE_FILE_BYTES / 3) + 1);
    await expect(saveFileHandler(port, { name: 'a.json', content: euros }, dir)).rejects.toThrow(/MiB, more than the 80 MiB/);
    expect(shown.save).toHaveLength(0);
  });

  it('tells the user when the chosen place cannot be written', async () => {
    const { port, shown } = dialogs({ save: join(dir, 'no-such-folder', 'x.json') });
    expect(await saveFileHandler(port, { name: 'x.json', content: '{}' }, dir)).toBe(false);
    expect(shown.errors[0]).toMatch(/^The export could not be saved: ENOENT/);
  });
});

describe('file names and filters', () => {
  it('keeps a plain name and cleans everything else', () => {
    expect(suggestedFileName('session 2025-11-26.json')).toBe('session 2025-11-26.json');
    expect(suggestedFileName('a/b/c.cpuprofile')).toBe('c.cpuprofile');
    expect(suggestedFileName('.bashrc')).toBe('bashrc');
    expect(suggestedFileName('re\u0000port?.json')).toBe('re_port_.json');
    expect(suggestedFileName('../')).toBe('report.json');
  });

  it('preselects the filter of the export format', () => {
    expect(saveFilters('x.cpuprofile').map((f) => f.extensions[0])).toEqual(['cpuprofile', 'json', 'md', '*']);
    expect(saveFilters('x.json').map((f) => f.extensions[0])).toEqual(['json', 'md', 'cpuprofile', '*']);
    expect(saveFilters('x.txt').map((f) => f.extensions[0])).toEqual(['json', 'md', 'cpuprofile', '*']);
  });
});
