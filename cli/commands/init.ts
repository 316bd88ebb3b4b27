/** `postdesk init`: first-run setup of the counter, the same as the first-run screen. */
import type { z } from 'zod';
import { api } from '../../domain/api.js';
import { initialSetup, isSetUp } from '../../services/setup.js';
import { enrollDevice } from '../../services/sync/index.js';
import { openCounterStore } from '../../services/store.js';
import { type Command, CliError, EXIT, printJson, readLine, readSecret, refuseWhileRunning, requiredOption, stringOption, usageError } from './common.js';

const FLAG_OF_FIELD: Record<string, string> = {
  branchCode: '--branch',
  counterNo: '--counter',
  'supervisor.personalNo': '--supervisor-no',
  'supervisor.name': '--supervisor-name',
  'supervisor.pin': '',
};

async function pinFrom(ctx: Parameters<Command['run']>[0]): Promise<string> {
  const { values, io } = ctx;
  const onLine = stringOption(values, 'pin');
  if (values['pin-stdin'] === true && onLine !== undefined) throw usageError('give either --pin-stdin or --pin, not both', 'init');
  if (onLine !== undefined) return onLine;
  if (values['pin-stdin'] === true) return (await readLine(io.stdin)).trim();
  if (!io.stdin.isTTY) throw usageError("give the supervisor's PIN with --pin-stdin (first line of standard input) or --pin PIN", 'init');
  const first = await readSecret(io, "Supervisor's PIN (4 to 8 digits): ");
  const again = await readSecret(io, 'The same PIN again: ');
  if (first !== again) throw new CliError('VALIDATION_FAILED', 'The two PINs differ; nothing was set up');
  return first;
}

export const initCommand: Command = {
  name: 'init',
  summary: 'first-run setup: branch, counter and the first supervisor',
  help: `Usage: postdesk init --branch CODE --counter N --supervisor-no NO --supervisor-name NAME [--pin-stdin | --pin PIN]
                     [--server URL --enroll CODE] [--data DIR] [--json]
       postdesk init --server URL --enroll CODE [--data DIR] [--json]     (enroll a counter already set up)

First-run setup of this counter, the same as the app's first-run screen: the
branch (its 5-digit postal code), the counter number and the first
supervisor. Refuses a data folder that is already set up.

  --branch CODE            the branch's postal code, 5 digits (e.g. 11000)
  --counter N              the counter number, 1..99
  --supervisor-no NO       the first supervisor's personal number, 4 to 13 digits
  --supervisor-name NAME   the first supervisor's name, as receipts print it
  --pin-stdin              read the supervisor's PIN (4 to 8 digits) from the first line of standard input
  --pin PIN                give the PIN on the command line (other users of this computer can see it
                           in the process list: prefer --pin-stdin)
Without either, the PIN is asked for on the terminal.
  --server URL             the central sync service (e.g. https://sync.posta.example)
  --enroll CODE            the one-time enrollment code that "postdesk-server enroll" printed for
                           this branch and counter; it is traded for the device secret, which is
                           kept in the data folder with owner-only permissions

Example:
  echo 4711 | postdesk init --branch 11000 --counter 1 --supervisor-no 1001 --supervisor-name "Ana Petrović" --pin-stdin`,
  options: {
    server: { type: 'string' },
    enroll: { type: 'string' },
    branch: { type: 'string' },
    counter: { type: 'string' },
    'supervisor-no': { type: 'string' },
    'supervisor-name': { type: 'string' },
    pin: { type: 'string' },
    'pin-stdin': { type: 'boolean' },
  },
  async run(ctx) {
    const { values, dataDir, io } = ctx;
    const server = stringOption(values, 'server');
    const code = stringOption(values, 'enroll');
    if ((server === undefined) !== (code === undefined)) throw usageError('--server and --enroll go together', 'init');
    const setupFlags = ['branch', 'counter', 'supervisor-no', 'supervisor-name'].some((k) => values[k] !== undefined);
    if (server !== undefined && code !== undefined && !setupFlags) {
      refuseWhileRunning(dataDir, 'enrolling it');
      const store = openCounterStore(dataDir);
      try {
        if (!isSetUp(store)) throw usageError('this folder is not set up yet: give --branch, --counter, --supervisor-no and --supervisor-name too', 'init');
        const device = await enrollDevice(store, server, code);
        if (ctx.json) printJson(io, { ok: true, dataDir, device });
        else io.out(`Enrolled with ${device.serverUrl} as device ${device.deviceId}.`);
        return EXIT.ok;
      } finally {
        store.close();
      }
    }
    const branch = requiredOption(values, 'branch', 'init');
    const counter = requiredOption(values, 'counter', 'init');
    const personalNo = requiredOption(values, 'supervisor-no', 'init');
    const name = requiredOption(values, 'supervisor-name', 'init');
    const candidate = {
      branchCode: branch,
      counterNo: /^\d{1,3}$/.test(counter) ? Number(counter) : Number.NaN,
      supervisor: { personalNo, name, pin: '0000' },
    };
    // Check everything but the PIN before asking for it, and everything before touching the folder.
    const shape = api['setup.init'].input;
    const pre = shape.safeParse(candidate);
    if (!pre.success) throw flagError(pre.error);
    const pin = await pinFrom(ctx);
    const parsed = shape.safeParse({ ...candidate, supervisor: { ...candidate.supervisor, pin } });
    if (!parsed.success) throw flagError(parsed.error);

    refuseWhileRunning(dataDir, 'setting it up');
    const store = openCounterStore(dataDir);
    try {
      const info = initialSetup(store, parsed.data);
      // The counter now exists, so the device can enroll; a failed enrollment leaves the setup in place and says how to retry.
      let device: Awaited<ReturnType<typeof enrollDevice>> | null = null;
      if (server !== undefined && code !== undefined) {
        try {
          device = await enrollDevice(store, server, code);
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new CliError((e as { code?: string }).code ?? 'SYNC_ENROLL_INVALID', `The counter is set up, but enrollment failed: ${why} Retry with: postdesk init --server URL --enroll CODE --data ${dataDir}`);
        }
      }
      if (ctx.json) printJson(io, { ok: true, dataDir, ...info, ...(device ? { device } : {}) });
      else io.out(`Set up branch ${info.branchCode}, counter ${info.counterNo}; supervisor ${personalNo} (${parsed.data.supervisor.name}).${device ? `\nEnrolled with ${device.serverUrl} as device ${device.deviceId}.` : ''}\nData folder: ${dataDir}`);
      return EXIT.ok;
    } finally {
      store.close();
    }
  },
};

/** The first problem zod found, named by the option the operator typed. */
function flagError(err: z.ZodError): CliError {
  const first = err.issues[0];
  const field = first ? first.path.join('.') : '';
  const flag = FLAG_OF_FIELD[field] ?? field;
  const message = first?.message ?? 'invalid input';
  return new CliError('VALIDATION_FAILED', flag ? `${flag}: ${message}` : message, EXIT.usage);
}
