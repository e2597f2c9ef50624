import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../../../main/ipc-contract.js';
import { menuTemplate, readmeUrlFrom } from '../../../main/menu.js';

function build(platform: NodeJS.Platform, isDev: boolean, readmeUrl: string | null = 'https://example.com/sark-workbench#readme') {
  const sent: MenuCommand[] = [];
  let readmeOpened = 0;
  const template = menuTemplate({ platform, isDev, readmeUrl, actions: { command: (c) => void sent.push(c), openReadme: () => void readmeOpened++ } });
  return { template, sent, readmeOpened: () => readmeOpened };
}

const items = (menu: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] =>
  Array.isArray(menu?.submenu) ? (menu.submenu as MenuItemConstructorOptions[]) : [];
const topLevel = (template: MenuItemConstructorOptions[], label: string) => template.find((m) => m.label?.replace('&', '') === label);
const byLabel = (menu: MenuItemConstructorOptions | undefined, label: string) => items(menu).find((i) => i.label === label);
const click = (item: MenuItemConstructorOptions | undefined) =>
  (item?.click as unknown as (() => void) | undefined)?.();

describe('menu template', () => {
  it('File has Import report…, Export… and Quit; the first two go to the page', () => {
    const { template, sent } = build('linux', false);
    const file = topLevel(template, 'File');
    click(byLabel(file, 'Import report…'));
    click(byLabel(file, 'Export…'));
    expect(sent).toEqual(['import-report', 'export-report']);
    expect(items(file).some((i) => i.role === 'quit')).toBe(true);
  });

  it('View has reload, zoom and the theme toggle; developer tools only in development', () => {
    const prod = topLevel(build('linux', false).template, 'View');
    const roles = items(prod).map((i) => i.role).filter(Boolean);
    expect(roles).toEqual(expect.arrayContaining(['reload', 'resetZoom', 'zoomIn', 'zoomOut']));
    expect(roles).not.toContain('toggleDevTools');

    const dev = build('linux', true);
    expect(items(topLevel(dev.template, 'View')).map((i) => i.role)).toContain('toggleDevTools');
    click(byLabel(topLevel(dev.template, 'View'), 'Toggle Theme'));
    expect(dev.sent).toEqual(['toggle-theme']);
  });

  it('Help opens the README through the external-link path, or is disabled without a homepage', () => {
    const withUrl = build('win32', false);
    const readme = byLabel(topLevel(withUrl.template, 'Help'), 'README');
    expect(readme?.enabled).toBe(true);
    click(readme);
    expect(withUrl.readmeOpened()).toBe(1);

    const without = build('win32', false, null);
    expect(items(topLevel(without.template, 'Help'))[0]?.enabled).toBe(false);
  });

  it('follows macOS conventions: an app menu holding Quit, Close in File', () => {
    const { template } = build('darwin', false);
    expect(template[0]?.role).toBe('appMenu');
    expect(items(template[0]).some((i) => i.role === 'quit')).toBe(true);
    expect(items(topLevel(template, 'File')).some((i) => i.role === 'close')).toBe(true);
  });

  it('gives no two items the same shortcut', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const accelerators = build(platform, true).template.flatMap((m) => items(m)).map((i) => i.accelerator).filter(Boolean);
      expect(new Set(accelerators).size).toBe(accelerators.length);
    }
  });
});

describe('README link', () => {
  it("comes from package.json's homepage when it is an http(s) link", () => {
    expect(readmeUrlFrom({ homepage: 'https://github.com/example/sark-workbench#readme' })).toBe('https://github.com/example/sark-workbench#readme');
    expect(readmeUrlFrom({ homepage: 'file:///README.md' })).toBeNull();
    expect(readmeUrlFrom({ name: 'sark-workbench' })).toBeNull();
    expect(readmeUrlFrom(null)).toBeNull();
  });
});
