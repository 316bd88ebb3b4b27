/**
 * The device secret lives in a file beside the database, readable by the
 * owner only (mode 0600), never in the database: a copied or backed-up
 * database does not carry the key that signs for this counter.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';

export const CREDENTIALS_FILE = 'sync-device.json';

const CredentialsSchema = z.object({
  deviceId: z.string().min(1),
  secret: z.string().min(32),
  serverUrl: z.string().min(1),
  branch: z.string(),
  counter: z.string(),
  enrolledAt: z.string(),
});
export type DeviceCredentials = z.infer<typeof CredentialsSchema>;

export function credentialsPath(dataDir: string): string {
  return path.join(dataDir, CREDENTIALS_FILE);
}

/** Writes the file atomically (temp file, fsync, rename) with mode 0600. */
export function writeCredentials(dataDir: string, c: DeviceCredentials): void {
  const file = credentialsPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(c, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** The stored credentials, or null when this counter was never enrolled. Tightens loose permissions it finds. */
export function readCredentials(dataDir: string): DeviceCredentials | null {
  const file = credentialsPath(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const r = CredentialsSchema.safeParse(parsed);
  if (!r.success) throw new AppError('SYNC_NOT_ENROLLED', `The device key file ${file} is damaged; enroll this counter again with a new code.`);
  return r.data;
}

export function requireCredentials(dataDir: string): DeviceCredentials {
  const c = readCredentials(dataDir);
  if (!c) throw new AppError('SYNC_NOT_ENROLLED', 'This counter is not enrolled with the central server yet. Ask the central operator for an enrollment code.');
  return c;
}
