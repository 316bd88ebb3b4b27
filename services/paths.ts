/** Where data lives when no --data is given: the same folder Electron's userData uses. */
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(): string {
  if (process.env.POSTDESK_DATA) return process.env.POSTDESK_DATA;
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'PostDesk');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'PostDesk');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'PostDesk');
}
