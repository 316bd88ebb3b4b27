/**
 * The API contract: method name → input schema, output type, required role.
 * Defined once; the Electron IPC transport and the loopback HTTP transport
 * both carry it, and the main process validates every input against it
 * before any handler code runs.
 */
import { z } from 'zod';
import { itemInput } from './items.js';

export type Role = 'public' | 'clerk' | 'supervisor';

export interface MethodDef<I extends z.ZodType, O> {
  role: Role;
  input: I;
  /** Phantom: carries the output type only. */
  readonly output?: O;
  /** Changes state: writes audit/outbox rows or sessions. Read-only methods may be retried freely. */
  mutates: boolean;
}

function def<O>() {
  return <I extends z.ZodType>(role: Role, input: I, mutates = false): MethodDef<I, O> => ({ role, input, mutates });
}

// ---- shared pieces -------------------------------------------------------

const para = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const text = (max: number) => z.string().trim().min(1).max(max);
const personalNo = z.string().regex(/^\d{4,13}$/, 'personal number: 4 to 13 digits');
const pin = z.string().regex(/^\d{4,8}$/, 'PIN: 4 to 8 digits');
const branchCode = z.string().regex(/^\d{5}$/, 'branch code: 5 digits (postal code)');
const counterNo = z.number().int().min(1).max(99);
const businessDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day: YYYY-MM-DD');
const receiptNumber = z.string().regex(/^\d{5}-\d{2}-\d{8}-\d{1,6}$/, 'receipt number: branch-counter-yyyymmdd-seq');
export const uuidV7Schema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'operation id: a UUIDv7');
const empty = z.object({}).strict();

export const denominationCount = z
  .array(
    z
      .object({
        valuePara: z.number().int().positive().max(100_000_000),
        form: z.enum(['note', 'coin']),
        quantity: z.number().int().min(0).max(100_000),
      })
      .strict(),
  )
  .max(64);
export type DenominationCount = z.infer<typeof denominationCount>;

export const tenderInput = z
  .object({
    type: z.enum(['cash', 'card']),
    amountPara: para.min(1),
    cardRef: z.string().trim().max(32).optional(),
  })
  .strict();

export const basketInput = z.array(itemInput).min(1).max(100);

// ---- output types --------------------------------------------------------

export interface ClerkView {
  id: number;
  personalNo: string;
  name: string;
  role: 'clerk' | 'supervisor';
  active: boolean;
  lockedUntil: string | null;
}

export interface SystemInfo {
  setUp: boolean;
  branchCode: string | null;
  counterNo: number | null;
  appVersion: string;
  schemaVersion: number;
  businessDay: string;
}

export interface SignInResult {
  sessionToken: string;
  clerk: ClerkView;
  idleLockSeconds: number;
}

export interface TillView {
  id: number;
  clerkId: number;
  businessDay: string;
  openedAt: string;
  floatPara: number;
  expectedPara: number;
  closedAt: string | null;
  countedPara: number | null;
  differencePara: number | null;
  differenceReason: string | null;
  salesCount: number;
  cashInPara: number;
  cashOutPara: number;
  cardPara: number;
}

export interface Denomination {
  valuePara: number;
  form: 'note' | 'coin';
}

export interface TariffView {
  code: string;
  itemKind: string;
  nameSr: string;
  nameEn: string;
  pricePara: number;
  validFrom: string;
  sample: boolean;
}

export interface QuoteLine {
  lineNo: number;
  kind: string;
  description: string;
  quantity: number;
  unitPricePara: number;
  amountPara: number;
  feePara: number;
  /** Facts the receipt prints for this line (payee, account, reference …). */
  details: Record<string, string>;
  warnings: { code: string; message: string }[];
}

export interface Quote {
  lines: QuoteLine[];
  totalPara: number;
}

export interface Receipt {
  number: string;
  businessDay: string;
  seq: number;
  operationId: string;
  createdAt: string;
  branchCode: string;
  counterNo: number;
  clerk: { id: number; name: string; personalNo: string };
  lines: QuoteLine[];
  totalPara: number;
  tenders: { type: 'cash' | 'card'; amountPara: number; cardRef: string | null }[];
  tenderedPara: number;
  changePara: number;
  copy: boolean;
  reprints: number;
}

export interface ReceiptSummary {
  number: string;
  createdAt: string;
  clerkName: string;
  totalPara: number;
  lineCount: number;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

export interface VerifyFault {
  check: string;
  table: string;
  rowId: number | string;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  checkedAt: string;
  counts: { receipts: number; transactions: number; postings: number; auditRows: number; tills: number };
  faults: VerifyFault[];
  firstFault: VerifyFault | null;
  discrepancies: { tillSessionId: number; clerkName: string; businessDay: string; expectedPara: number; countedPara: number; differencePara: number; reason: string }[];
}

export interface Biller {
  id: number;
  name: string;
  account: string;
  defaultPaymentCode: string | null;
  model: string;
  referencePattern: string | null;
  feeException: 'none' | 'fixed' | null;
  feeFixedPara: number | null;
  active: boolean;
  sample: boolean;
}

export interface FeeBandView {
  fromPara: number;
  toPara: number | null;
  fixedPara: number;
  percentBp: number;
  minPara: number;
  maxPara: number | null;
}

export interface FeeTable {
  service: string;
  validFrom: string;
  sample: boolean;
  bands: FeeBandView[];
}

export interface Cutoff {
  bankCode: string;
  bankName: string;
  cutoff: string;
  sample: boolean;
}

export interface SyncStatusView {
  enrolled: boolean;
  deviceId: string | null;
  serverUrl: string | null;
  /** Events waiting to reach the centre. */
  pending: number;
  /** Events refused by the centre, waiting for a supervisor. */
  setAside: number;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  lastError: { code: string; message: string; at: string } | null;
  /** Progress of the running cycle's push, for the progress bar. */
  catchingUp: { done: number; total: number } | null;
  running: boolean;
  /** When the agent will try next (null without an agent). */
  nextAttemptAt: string | null;
}

export interface SyncRunView {
  pushed: number;
  setAside: number;
  rewound: number;
  pulled: number;
  pending: number;
  pullProblems: string[];
}

export interface SetAsideView {
  seq: number;
  eventId: string;
  type: string;
  createdAt: string;
  setAsideAt: string;
  reason: string;
  /** The centre holds a placeholder for it (so later events were not held up). */
  declared: boolean;
}

export interface RequestStatusView {
  entity: string;
  ref: string;
  status: string;
  at: string;
  receivedAt: string;
}

const feeBandInput = z
  .object({
    fromPara: para,
    toPara: para.nullable(),
    fixedPara: para,
    percentBp: z.number().int().min(0).max(10000),
    minPara: para,
    maxPara: para.nullable(),
  })
  .strict();

// ---- the contract --------------------------------------------------------

export const api = {
  'system.info': def<SystemInfo>()('public', empty),
  'setup.init': def<SystemInfo>()(
    'public',
    z
      .object({
        branchCode,
        counterNo,
        supervisor: z.object({ personalNo, name: text(80), pin }).strict(),
      })
      .strict(),
    true,
  ),

  'auth.signIn': def<SignInResult>()('public', z.object({ personalNo, pin }).strict(), true),
  'auth.signOut': def<{ signedOut: true }>()('clerk', empty, true),
  'auth.me': def<{ clerk: ClerkView; idleLockSeconds: number; locked: boolean; till: TillView | null }>()('clerk', empty),
  'auth.lock': def<{ locked: true }>()('clerk', empty, true),
  /** Allowed on a locked session: the PIN of the session's own clerk unlocks it. */
  'auth.unlock': def<{ unlocked: true }>()('clerk', z.object({ pin }).strict(), true),

  'clerks.list': def<ClerkView[]>()('supervisor', empty),
  'clerks.create': def<ClerkView>()(
    'supervisor',
    z.object({ personalNo, name: text(80), role: z.enum(['clerk', 'supervisor']), pin }).strict(),
    true,
  ),
  'clerks.setActive': def<ClerkView>()('supervisor', z.object({ clerkId: z.number().int().positive(), active: z.boolean() }).strict(), true),
  'clerks.unlock': def<ClerkView>()('supervisor', z.object({ clerkId: z.number().int().positive() }).strict(), true),
  'clerks.resetPin': def<ClerkView>()('supervisor', z.object({ clerkId: z.number().int().positive(), pin }).strict(), true),

  'settings.get': def<Record<string, string>>()('clerk', empty),
  'settings.set': def<Record<string, string>>()(
    'supervisor',
    z
      .object({
        key: z.enum(['idle_lock_seconds', 'pin_max_attempts', 'pin_lock_seconds']),
        value: z.string().regex(/^\d{1,6}$/),
      })
      .strict(),
    true,
  ),

  'till.denominations': def<Denomination[]>()('clerk', empty),
  'till.status': def<TillView | null>()('clerk', empty),
  'till.open': def<TillView>()('clerk', z.object({ count: denominationCount }).strict(), true),
  'till.remittance': def<TillView>()(
    'clerk',
    z
      .object({
        direction: z.enum(['in', 'out']),
        amountPara: para.min(1).max(100_000_000_000),
        reference: text(40),
      })
      .strict(),
    true,
  ),
  'till.close': def<TillView>()(
    'clerk',
    z.object({ count: denominationCount, reason: z.string().trim().max(500).optional() }).strict(),
    true,
  ),
  'till.list': def<TillView[]>()('supervisor', z.object({ businessDay }).strict()),

  'catalog.tariffs': def<TariffView[]>()('clerk', z.object({ itemKind: z.string().max(32).optional() }).strict()),

  'counter.quote': def<Quote>()('clerk', z.object({ items: basketInput }).strict()),
  'counter.checkout': def<Receipt>()(
    'clerk',
    z
      .object({
        operationId: uuidV7Schema,
        items: basketInput,
        tenders: z.array(tenderInput).min(1).max(4),
        /** The total the clerk saw; a different total now means a tariff changed under the clerk. */
        expectedTotalPara: para,
      })
      .strict(),
    true,
  ),

  'receipts.get': def<Receipt>()('clerk', z.object({ number: receiptNumber }).strict()),
  'receipts.list': def<Page<ReceiptSummary>>()(
    'clerk',
    z
      .object({
        businessDay: businessDay.optional(),
        offset: z.number().int().min(0).max(10_000_000).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
  ),
  'receipts.reprint': def<Receipt>()('clerk', z.object({ number: receiptNumber }).strict(), true),
  'receipts.html': def<{ html: string }>()('clerk', z.object({ number: receiptNumber, copy: z.boolean().default(false) }).strict()),
  'receipts.pdf': def<{ pdfBase64: string }>()('clerk', z.object({ number: receiptNumber, copy: z.boolean().default(false) }).strict()),

  'payments.lookupBiller': def<Biller | null>()('clerk', z.object({ account: z.string().max(40) }).strict()),
  'payments.billers': def<Page<Biller>>()(
    'clerk',
    z
      .object({
        query: z.string().max(70).optional(),
        offset: z.number().int().min(0).max(10_000_000).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
  ),
  'payments.saveBiller': def<Biller>()(
    'supervisor',
    z
      .object({
        id: z.number().int().positive().optional(),
        name: text(70),
        account: z.string().max(40),
        defaultPaymentCode: z.string().regex(/^\d{3}$/, 'payment code: 3 digits').nullable().optional(),
        model: z.string().regex(/^(\d{2})?$/, 'model: 2 digits or empty').optional(),
        referencePattern: z.string().max(200).nullable().optional(),
        feeException: z.enum(['none', 'fixed']).nullable().optional(),
        feeFixedPara: para.nullable().optional(),
        active: z.boolean().optional(),
      })
      .strict(),
    true,
  ),
  'payments.feeTable': def<FeeTable | null>()('clerk', empty),
  'payments.replaceFeeTable': def<FeeTable>()('supervisor', z.object({ bands: z.array(feeBandInput).min(1).max(20) }).strict(), true),
  'payments.cutoffs': def<Cutoff[]>()('clerk', empty),
  'payments.saveCutoff': def<Cutoff[]>()(
    'supervisor',
    z
      .object({
        bankCode: z.string().regex(/^\d{3}$/, 'bank code: 3 digits'),
        bankName: text(70),
        cutoff: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'cut-off: HH:MM'),
      })
      .strict(),
    true,
  ),
  /** The A6 payment confirmation of one bill on a receipt, with its IPS QR. */
  'payments.confirmation': def<{ html: string }>()(
    'clerk',
    z.object({ number: receiptNumber, lineNo: z.number().int().min(1).max(100), copy: z.boolean().default(false) }).strict(),
  ),

  /** Trades a one-time enrollment code from the centre for this counter's device secret. */
  'sync.enroll': def<SyncStatusView>()(
    'supervisor',
    z
      .object({
        serverUrl: z.string().trim().min(1).max(200),
        code: z.string().trim().min(1).max(64),
      })
      .strict(),
    true,
  ),
  'sync.status': def<SyncStatusView>()('clerk', empty),
  'sync.now': def<SyncRunView>()('clerk', empty, true),
  'sync.setAside': def<SetAsideView[]>()('supervisor', empty),
  'sync.retrySetAside': def<SetAsideView>()('supervisor', z.object({ seq: z.number().int().positive() }).strict(), true),
  'sync.retryAllSetAside': def<{ count: number }>()('supervisor', empty, true),
  /** A telegram's or an eID request's state as last reported by the centre. */
  'status.lookup': def<RequestStatusView | null>()(
    'clerk',
    z.object({ entity: z.enum(['telegram', 'eid']), ref: z.string().trim().min(1).max(64) }).strict(),
  ),

  'system.verify': def<VerifyReport>()('supervisor', empty),
} as const;

export type Api = typeof api;
export type MethodName = keyof Api;
export type Input<M extends MethodName> = z.input<Api[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Api[M]['input']>;
export type Output<M extends MethodName> = Exclude<Api[M]['output'], undefined>;

export const METHOD_NAMES = Object.keys(api) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(api, name);
}

/** The typed call signature both transports implement (renderer side). */
export type CallFn = <M extends MethodName>(method: M, input: Input<M>) => Promise<Output<M>>;
