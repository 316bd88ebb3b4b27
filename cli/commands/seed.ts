/** `postdesk seed`: sample data for benchmarks and demos, made through the services like a clerk would. */
import { mulberry32 } from '../../domain/random.js';
import type { ItemInput } from '../../domain/items.js';
import { uuidv7 } from '../../domain/uuid7.js';
import { AppError } from '../../domain/errors.js';
import { type Command, CliError, EXIT, printJson, refuseWhileRunning, usageError, wholeNumberOption } from './common.js';

export const SAMPLE = {
  branchCode: '11000',
  counterNo: 1,
  supervisor: { personalNo: '1001', name: 'Supervisor (sample)', pin: '1234' },
  clerk: { personalNo: '2001', name: 'Clerk (sample)', pin: '2222' },
  /** 10 × 1,000 RSD, 10 × 100 RSD, 10 × 10 RSD coins. */
  float: [
    { valuePara: 100000, form: 'note' as const, quantity: 10 },
    { valuePara: 10000, form: 'note' as const, quantity: 10 },
    { valuePara: 1000, form: 'coin' as const, quantity: 10 },
  ],
};


export const seedCommand: Command = {
  name: 'seed',
  summary: 'sample setup, clerk, open till and N checkouts (benchmarks, demos)',
  help: `Usage: postdesk seed --receipts N [--data DIR] [--json]

Fills a data folder with sample data through the same services the counter
uses. On a fresh folder it sets up branch ${SAMPLE.branchCode}, counter ${SAMPLE.counterNo}, supervisor
${SAMPLE.supervisor.personalNo} (PIN ${SAMPLE.supervisor.pin}); it adds clerk ${SAMPLE.clerk.personalNo} (PIN ${SAMPLE.clerk.pin}), opens the clerk's till
with a float, and sells N baskets of postal fees (1 to 3 lines; cash with
change, every fifth by card). Run again on the same folder, it adds N more.
It refuses a folder that was set up by "postdesk init": sample PINs do not
belong on a live counter.

  --receipts N   how many checkouts to make, 0..1000000`,
  options: { receipts: { type: 'string' } },
  async run(ctx) {
    const { dataDir, io, values } = ctx;
    const n = wholeNumberOption(values, 'receipts', 'seed', { min: 0, max: 1_000_000 });
    if (n === undefined) throw usageError('--receipts is required', 'seed');
    refuseWhileRunning(dataDir, 'seeding it');
    // Loaded here, not at the top: every item kind comes with the counter, and --help need not wait for them.
    const [auth, { checkout, quote }, { initialSetup, isSetUp }, { openCounterStore, isoNow }, { currentTariffs }, { openTill, tillStatus }] = await Promise.all([
      import('../../services/auth.js'),
      import('../../services/counter.js'),
      import('../../services/setup.js'),
      import('../../services/store.js'),
      import('../../services/tariffs.js'),
      import('../../services/till.js'),
    ]);
    const store = openCounterStore(dataDir);
    const started = performance.now();
    try {
      if (!isSetUp(store)) initialSetup(store, { branchCode: SAMPLE.branchCode, counterNo: SAMPLE.counterNo, supervisor: SAMPLE.supervisor });
      // Decided before any sign-in attempt, so a live counter gets no failed-PIN rows from a misdirected seed.
      const sampleSupervisor = store.db.prepare("SELECT 1 FROM clerks WHERE personal_no = ? AND name = ? AND role = 'supervisor'").get(SAMPLE.supervisor.personalNo, SAMPLE.supervisor.name);
      if (!sampleSupervisor) throw new CliError('NOT_A_SAMPLE_COUNTER', `${dataDir} was set up by "postdesk init", not by seed; seed only fills a fresh data folder or one it seeded before`);
      const clerkRow = store.db.prepare('SELECT id FROM clerks WHERE personal_no = ?').get(SAMPLE.clerk.personalNo) as { id: number } | undefined;
      if (!clerkRow) auth.createClerk(store, null, { ...SAMPLE.clerk, role: 'clerk' });
      let session: { sessionToken: string };
      try {
        session = auth.signIn(store, SAMPLE.clerk.personalNo, SAMPLE.clerk.pin);
      } catch (e) {
        if (e instanceof AppError && e.code === 'BAD_CREDENTIALS') throw new CliError('NOT_A_SAMPLE_COUNTER', `Clerk ${SAMPLE.clerk.personalNo} in ${dataDir} has another PIN: this folder was not seeded`);
        throw e;
      }
      const s = auth.resolveSession(store, session.sessionToken);
      try {
        if (!tillStatus(store, s.clerk.id)) openTill(store, s, SAMPLE.float);
        const tariffs = currentTariffs(store, isoNow(store), 'postal_fee');
        if (tariffs.length === 0) throw new CliError('TARIFF_UNKNOWN', 'There are no postal fee tariffs to sell');
        const random = mulberry32(n + 1);
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
        let first: string | null = null;
        let last: string | null = null;
        for (let i = 0; i < n; i++) {
          const lines = 1 + Math.floor(random() * 3);
          const items: ItemInput[] = Array.from({ length: lines }, () => ({ kind: 'postal_fee', tariffCode: pick(tariffs).code, quantity: 1 + Math.floor(random() * 3) }));
          const total = quote(store, s, items).totalPara;
          const byCard = i % 5 === 4;
          const tendered = byCard ? total : Math.ceil((total + 1) / 50000) * 50000;
          const receipt = checkout(store, s, {
            operationId: uuidv7(),
            items,
            tenders: [{ type: byCard ? 'card' : 'cash', amountPara: tendered }],
            expectedTotalPara: total,
          });
          first ??= receipt.number;
          last = receipt.number;
        }
        const seconds = (performance.now() - started) / 1000;
        const result = {
          ok: true,
          dataDir,
          receipts: n,
          first,
          last,
          seconds: Math.round(seconds * 1000) / 1000,
          supervisor: { personalNo: SAMPLE.supervisor.personalNo, pin: SAMPLE.supervisor.pin },
          clerk: { personalNo: SAMPLE.clerk.personalNo, pin: SAMPLE.clerk.pin },
        };
        if (ctx.json) printJson(io, result);
        else io.out(`Seeded ${n} receipt${n === 1 ? '' : 's'}${first ? ` (${first} … ${last})` : ''} in ${result.seconds} s.\nSign in as clerk ${SAMPLE.clerk.personalNo} (PIN ${SAMPLE.clerk.pin}) or supervisor ${SAMPLE.supervisor.personalNo} (PIN ${SAMPLE.supervisor.pin}).`);
        return EXIT.ok;
      } finally {
        auth.signOut(store, s);
      }
    } finally {
      store.close();
    }
  },
};
