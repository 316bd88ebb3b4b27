/**
 * postdesk-server: the central sync service and the operator's commands.
 *
 *   postdesk-server serve [--port 8480] [--host 127.0.0.1] [--data DIR | --pg URL]
 *   postdesk-server enroll --branch B --counter C [--ttl-hours 24]
 *   postdesk-server publish-tariff --code X --price 123,45 --valid-from ISO [--name-sr … --name-en … --item-kind …]
 *   postdesk-server publish-ref --dataset billers --key K --row JSON | --delete
 *   postdesk-server post-status --entity telegram --ref R --status delivered [--at ISO] [--branch B]
 *   postdesk-server revoke --device ID
 *   postdesk-server info
 *
 * Every command takes --help, --data DIR, --pg URL [--pg-schema S], --json,
 * and exits non-zero on failure (1 for a refused action, 2 for a usage error).
 */
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError, isAppError } from '../domain/errors.js';
import { createEnrollmentCode, postStatus, publishReference, publishTariff } from './admin.js';
import { startSyncServer } from './app.js';
import { crashHookFromEnv, openCentralStorage } from './open.js';
import type { CentralStorage } from './storage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  help: { type: 'boolean', short: 'h' },
  data: { type: 'string' },
  pg: { type: 'string' },
  'pg-schema': { type: 'string' },
  json: { type: 'boolean' },
};

const COMMON_HELP = `Common options:
  --data DIR        folder of the SQLite central database (default .postdesk-data/server)
  --pg URL          use PostgreSQL instead, e.g. postgres://postdesk@db.internal/postdesk
  --pg-schema NAME  PostgreSQL schema holding the tables (default postdesk_sync)
  --json            print the result as JSON
  --help            this text`;

interface Command {
  summary: string;
  usage: string;
  options: Options;
  run(v: Record<string, string | boolean | undefined>, out: Output): Promise<void>;
}

class UsageError extends Error {}

interface Output {
  json: boolean;
  result(value: Record<string, unknown>, text: string): void;
}

function need(v: Record<string, string | boolean | undefined>, name: string): string {
  const x = v[name];
  if (typeof x !== 'string' || x === '') throw new UsageError(`--${name} is required`);
  return x;
}

function opt(v: Record<string, string | boolean | undefined>, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

async function withStorage<T>(v: Record<string, string | boolean | undefined>, fn: (s: CentralStorage) => Promise<T>): Promise<T> {
  const storage = await openFromArgs(v);
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

function openFromArgs(v: Record<string, string | boolean | undefined>): Promise<CentralStorage> {
  const data = opt(v, 'data');
  const pgUrl = opt(v, 'pg');
  const pgSchema = opt(v, 'pg-schema');
  return openCentralStorage({
    dataDir: path.resolve(data ?? path.join('.postdesk-data', 'server')),
    ...(pgUrl ? { pgUrl } : {}),
    ...(pgSchema ? { pgSchema } : {}),
    ...(process.env.POSTDESK_TEST_CRASH ? { crashHook: crashHookFromEnv(process.env.POSTDESK_TEST_CRASH)! } : {}),
  });
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'run the central sync service',
    usage: `postdesk-server serve [--port 8480] [--host 127.0.0.1] [--max-body-bytes N] [--max-event-bytes N]

Runs the sync service until SIGINT/SIGTERM. Listens on 127.0.0.1 unless --host
says otherwise (put TLS in front of it before exposing it). --port 0 picks a free
port; the line printed at start names it.`,
    options: { port: { type: 'string' }, host: { type: 'string' }, 'max-body-bytes': { type: 'string' }, 'max-event-bytes': { type: 'string' } },
    async run(v, out) {
      const port = Number(opt(v, 'port') ?? '8480');
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0–65535');
      const storage = await openFromArgs(v);
      const num = (name: string) => {
        const s = opt(v, name);
        if (s === undefined) return undefined;
        const n = Number(s);
        if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive whole number`);
        return n;
      };
      const maxBody = num('max-body-bytes');
      const maxEvent = num('max-event-bytes');
      const crashHook = process.env.POSTDESK_TEST_CRASH ? crashHookFromEnv(process.env.POSTDESK_TEST_CRASH) : undefined;
      const running = await startSyncServer({
        storage,
        host: opt(v, 'host') ?? '127.0.0.1',
        port,
        ...(maxBody ? { maxBodyBytes: maxBody } : {}),
        ...(maxEvent ? { maxEventPayloadBytes: maxEvent } : {}),
        ...(crashHook ? { crashHook } : {}),
      });
      out.result({ listening: true, url: running.url, port: running.port, storage: storage.description, pid: process.pid }, `PostDesk sync server listening on ${running.url} (${storage.description})`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await running.close();
      await storage.close();
    },
  },
  enroll: {
    summary: 'issue a one-time enrollment code for a counter',
    usage: `postdesk-server enroll --branch B --counter C [--ttl-hours 24]

Prints a one-time code. The counter trades it for its device secret
("postdesk init --server URL --enroll CODE" or the first-run screen). The code
works once and expires after --ttl-hours.`,
    options: { branch: { type: 'string' }, counter: { type: 'string' }, 'ttl-hours': { type: 'string' } },
    async run(v, out) {
      const branch = need(v, 'branch');
      const counter = need(v, 'counter');
      const ttl = opt(v, 'ttl-hours');
      const ttlHours = ttl === undefined ? undefined : Number(ttl);
      if (ttlHours !== undefined && !Number.isFinite(ttlHours)) throw new UsageError('--ttl-hours must be a number');
      const issued = await withStorage(v, (s) => createEnrollmentCode(s, { branch, counter, ...(ttlHours !== undefined ? { ttlHours } : {}) }));
      out.result({ ...issued }, `Enrollment code for branch ${issued.branch}, counter ${issued.counter}: ${issued.code}\nIt works once and expires at ${issued.expiresAt}.`);
    },
  },
  'publish-tariff': {
    summary: 'publish a tariff row (a new price is a new row with a later valid-from)',
    usage: `postdesk-server publish-tariff --code X --price 123,45 --valid-from ISO [--name-sr NAME] [--name-en NAME] [--item-kind KIND] [--allow-past]

--price accepts 1.234,56 or 1234.56 (RSD). --valid-from is an instant with a zone,
e.g. 2026-03-01T00:00:00+01:00. Names and item kind default to the code's previous row.`,
    options: { code: { type: 'string' }, price: { type: 'string' }, 'valid-from': { type: 'string' }, 'name-sr': { type: 'string' }, 'name-en': { type: 'string' }, 'item-kind': { type: 'string' }, 'allow-past': { type: 'boolean' } },
    async run(v, out) {
      const input = {
        code: need(v, 'code'),
        price: need(v, 'price'),
        validFrom: need(v, 'valid-from'),
        ...(opt(v, 'name-sr') ? { nameSr: opt(v, 'name-sr')! } : {}),
        ...(opt(v, 'name-en') ? { nameEn: opt(v, 'name-en')! } : {}),
        ...(opt(v, 'item-kind') ? { itemKind: opt(v, 'item-kind')! } : {}),
        allowPast: v['allow-past'] === true,
      };
      const r = await withStorage(v, (s) => publishTariff(s, input));
      out.result({ ...r }, r.unchanged ? `Tariff ${r.row.code} from ${r.row.valid_from} was already published with the same values (cursor ${r.cursor}).` : `Published tariff ${r.row.code}: ${(r.row.price_para / 100).toFixed(2)} RSD from ${r.row.valid_from} (cursor ${r.cursor}).`);
    },
  },
  'publish-ref': {
    summary: 'publish a row of any reference dataset (fee bands, billers, card designs, clerks …)',
    usage: `postdesk-server publish-ref --dataset NAME --key KEY (--row JSON | --delete) [--branch B]

The counters store every row and hand it to the applier registered for the
dataset (services/sync registerPullApplier).`,
    options: { dataset: { type: 'string' }, key: { type: 'string' }, row: { type: 'string' }, delete: { type: 'boolean' }, branch: { type: 'string' } },
    async run(v, out) {
      const dataset = need(v, 'dataset');
      const key = need(v, 'key');
      let data: unknown = null;
      if (v.delete !== true) {
        const text = need(v, 'row');
        try {
          data = JSON.parse(text);
        } catch {
          throw new UsageError('--row must be JSON');
        }
      }
      const r = await withStorage(v, (s) => publishReference(s, { dataset, key, data, branch: opt(v, 'branch') ?? null }));
      out.result({ ...r, dataset, key }, `Published ${dataset}/${key} (cursor ${r.cursor}).`);
    },
  },
  'post-status': {
    summary: 'post a telegram or eID request status for the counters',
    usage: `postdesk-server post-status --entity telegram|eid --ref R --status STATUS [--at ISO] [--branch B]

Known statuses — telegram: accepted, sent, delivered, undeliverable, cancelled;
eid: submitted, in_review, activated, rejected, expired.`,
    options: { entity: { type: 'string' }, ref: { type: 'string' }, status: { type: 'string' }, at: { type: 'string' }, branch: { type: 'string' } },
    async run(v, out) {
      const input = { entity: need(v, 'entity'), ref: need(v, 'ref'), status: need(v, 'status'), ...(opt(v, 'at') ? { at: opt(v, 'at')! } : {}), branch: opt(v, 'branch') ?? null };
      const r = await withStorage(v, (s) => postStatus(s, input));
      out.result({ ...r }, `Posted ${r.update.entity} ${r.update.ref}: ${r.update.status} at ${r.update.at} (cursor ${r.cursor})${r.known ? '' : ' — note: not one of the known statuses'}.`);
    },
  },
  revoke: {
    summary: 'refuse a device from now on (a lost or stolen counter)',
    usage: `postdesk-server revoke --device ID

The device's requests are refused with SYNC_UNKNOWN_DEVICE from now on; what it
sent before stays. Enrolling the same branch and counter with a new code issues
a new secret and lifts the refusal.`,
    options: { device: { type: 'string' } },
    async run(v, out) {
      const device = need(v, 'device');
      const done = await withStorage(v, (s) => s.revokeDevice(device, new Date().toISOString()));
      if (!done) throw new AppError('NOT_FOUND', `There is no device "${device}"; "postdesk-server info" lists them.`);
      out.result({ device, revoked: true }, `Device ${device} is refused from now on.`);
    },
  },
  info: {
    summary: 'show devices, event counts and feed size',
    usage: 'postdesk-server info',
    options: {},
    async run(v, out) {
      const r = await withStorage(v, async (s) => ({ storage: s.description, ...(await s.stats()), devices: (await s.listDevices()).map((d) => ({ id: d.id, branch: d.branch, counter: d.counter, ackedThrough: d.ackedThrough, enrolledAt: d.enrolledAt })) }));
      out.result(r, [`${r.storage}`, `events ${r.events}, set aside ${r.setAside}, feed ${r.feed}`, ...r.devices.map((d) => `  ${d.id}  branch ${d.branch} counter ${d.counter}  held through ${d.ackedThrough}`)].join('\n'));
    },
  },
};

function topHelp(): string {
  return `postdesk-server — the PostDesk central sync service

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`)
  .join('\n')}

Run "postdesk-server COMMAND --help" for a command's options.

${COMMON_HELP}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(topHelp() + '\n');
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  const wantsJson = rest.includes('--json');
  const fail = (code: string, message: string, exit: number) => {
    if (wantsJson) process.stdout.write(JSON.stringify({ ok: false, error: { code, message } }) + '\n');
    else process.stderr.write(`postdesk-server ${name}: ${message}${code !== 'USAGE' ? ` [${code}]` : ''}\n`);
    return exit;
  };
  if (!cmd) return fail('USAGE', `unknown command "${name}". Run postdesk-server --help.`, 2);
  const options: Options = { ...COMMON, ...cmd.options };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    return fail('USAGE', `${(e as Error).message}\n\n${cmd.usage}`, 2);
  }
  if (values.help) {
    process.stdout.write(`${cmd.usage}\n\n${COMMON_HELP}\n`);
    return 0;
  }
  const out: Output = {
    json: values.json === true,
    result(value, text) {
      process.stdout.write(values.json ? JSON.stringify({ ok: true, value }) + '\n' : text + '\n');
    },
  };
  try {
    await cmd.run(values, out);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return fail('USAGE', `${e.message}\n\n${cmd.usage}`, 2);
    if (isAppError(e)) return fail(e.code, e.message, 1);
    const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
    if (err.code === 'EADDRINUSE') return fail('ADDRESS_IN_USE', `${err.address ?? 'the address'}:${err.port ?? ''} is already in use; stop the other server or pick another --port.`, 1);
    if (err.code === 'ECONNREFUSED' && typeof values.pg === 'string') return fail('DB_UNREACHABLE', `PostgreSQL did not answer at ${err.address ?? ''}:${err.port ?? ''} (connection refused). Is it running, and is --pg right?`, 1);
    return fail('INTERNAL', e instanceof Error ? e.message : String(e), 1);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`postdesk-server: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
