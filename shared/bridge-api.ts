/**
 * The one contract between the desktop window and the core, written once as a zod schema: the state enums, the
 * views the window shows, every request with its IPC channel, argument schema and reply schema, and the events pushed
 * to the window. The TypeScript types, the main process's argument validation and the channel names all come from
 * here. Main, preload and renderer import this file; it imports nothing of `main/`.
 */
import { z } from 'zod';

// State enums, declared once: the core (auth, tunnel, models) and the window use these.
export const loginStateSchema = z.enum(['ok', 'missing', 'api-key-only', 'unreadable', 'refresh-failed']);
export type LoginState = z.infer<typeof loginStateSchema>;
export const tunnelStateSchema = z.enum(['off', 'connecting', 'online', 'failed', 'reconnecting']);
export type TunnelState = z.infer<typeof tunnelStateSchema>;
export const catalogStateSchema = z.enum(['live', 'cached', 'default']);
export type CatalogState = z.infer<typeof catalogStateSchema>;

export const loginViewSchema = z.object({
  state: loginStateSchema,
  authPath: z.string(),
  email: z.string().optional(),
  /** Plus, Pro, Team, … */
  plan: z.string().optional(),
  /** ISO time the access token expires. */
  expiresAt: z.string().optional(),
  message: z.string().optional(),
});
export type LoginView = z.infer<typeof loginViewSchema>;

export const tunnelViewSchema = z.object({
  state: tunnelStateSchema,
  provider: z.string(),
  /** Public base URL for clients, ending in /v1, while online. */
  url: z.string().optional(),
  error: z.string().optional(),
  hint: z.string().optional(),
});
export type TunnelView = z.infer<typeof tunnelViewSchema>;

export const limitWindowViewSchema = z.object({
  /** The Codex CLI's name for the window: `5h`, `daily`, `weekly`, `monthly`. */
  label: z.string(),
  /** 0–100. */
  usedPercent: z.number(),
  /** ISO time the window starts over. */
  resetsAt: z.string().optional(),
});
export type LimitWindowView = z.infer<typeof limitWindowViewSchema>;

/** The account's Codex usage limits, as the last model answer (or the backend's usage page) reported them. */
export const limitsViewSchema = z.object({
  /** The short window (5 h on paid plans), then the long one (weekly). */
  windows: z.array(limitWindowViewSchema),
  /** Requests fail until a window resets or credits are bought. */
  limitReached: z.boolean(),
  /** `12.34 credits`, `unlimited credits`; absent when the account has none. */
  credits: z.string().optional(),
  /** ISO time these numbers were read. */
  observedAt: z.string(),
});
export type LimitsView = z.infer<typeof limitsViewSchema>;

export const catalogViewSchema = z.object({ state: catalogStateSchema, models: z.number(), lastError: z.string().nullable() });
export type CatalogView = z.infer<typeof catalogViewSchema>;

/** While a Cursor write waits for Cursor to quit: the attempt that just failed, and the policy's limits. */
export const cursorWaitViewSchema = z.object({ attempt: z.number(), maxAttempts: z.number(), retryEveryMs: z.number() });
export type CursorWaitView = z.infer<typeof cursorWaitViewSchema>;

/** One limit window's outlook: `at this pace the 5h window runs out at 14:20`. */
export const forecastViewSchema = z.object({ label: z.string(), text: z.string() });
export type ForecastView = z.infer<typeof forecastViewSchema>;

export const bridgeSnapshotSchema = z.object({
  version: z.string(),
  /** http://127.0.0.1:7711/v1 */
  localUrl: z.string(),
  tokenRequired: z.boolean(),
  login: loginViewSchema,
  catalog: catalogViewSchema,
  tunnel: tunnelViewSchema,
  startAtLogin: z.boolean(),
  /** Set while a Cursor write waits for Cursor to quit. */
  cursorWait: cursorWaitViewSchema.optional(),
  /** Absent until the backend has reported them (signed out, offline, no request yet and the usage page unreachable). */
  limits: limitsViewSchema.optional(),
  /** Whether the bridge works, in words, with the one action that fixes it (the header, the tray, the CLI). */
  status: z.lazy(() => statusViewSchema),
  /** The sign-in under way or just ended (absent when none was started in this run). */
  signIn: z.lazy(() => signInViewSchema).optional(),
  /** Whether the bridge's settings are in Cursor's database (undefined until known). */
  cursorConfigured: z.boolean().optional(),
  /** Where each limit window is heading at the recent pace, from the usage history; absent while unknown. */
  forecasts: z.array(forecastViewSchema).optional(),
});
export type BridgeSnapshot = z.infer<typeof bridgeSnapshotSchema>;

export const aliasRowSchema = z.object({
  alias: z.string(),
  slug: z.string(),
  effort: z.string(),
  serviceTier: z.literal('priority').optional(),
  source: z.enum(['catalog', 'default', 'override']),
  description: z.string(),
  note: z.string().optional(),
});
export type AliasRow = z.infer<typeof aliasRowSchema>;

export const checkRowSchema = z.object({ id: z.string(), title: z.string(), ok: z.boolean(), detail: z.string(), fix: z.string().optional() });
export type CheckRow = z.infer<typeof checkRowSchema>;

/** One finished request, as the CLI prints it and the window's live log shows it. */
export const logRowSchema = z.object({
  id: z.string(),
  at: z.string(),
  method: z.string(),
  path: z.string(),
  /** 499: the client went away before the answer was complete. */
  status: z.number(),
  latencyMs: z.number(),
  /** The alias the client asked for, and the upstream slug it resolved to. */
  model: z.string().optional(),
  upstreamModel: z.string().optional(),
  messages: z.number().optional(),
  tools: z.number().optional(),
  stream: z.boolean().optional(),
  /** SSE data events relayed to the client. */
  chunks: z.number().optional(),
  /** Upstream HTTP attempts (more than one means retries or 401 recovery). */
  attempts: z.number().optional(),
  promptTokens: z.number().optional(),
  cachedTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  reasoningTokens: z.number().optional(),
  /** What went wrong, in words (never a token). */
  error: z.string().optional(),
  /** The API shape the client spoke. */
  frontEnd: z.enum(['chat', 'responses', 'messages']).optional(),
  /** The client's User-Agent, cut to a bounded length. */
  userAgent: z.string().optional(),
  /** Reasoning effort and service tier sent upstream. */
  effort: z.string().optional(),
  tier: z.string().optional(),
  /** The error's machine code (`usage_limit_reached`, …). */
  errorCode: z.string().optional(),
  /** Served by the usage-limit fallback instead of this alias. */
  fallbackFrom: z.string().optional(),
  /** Where the time went (ms since the request arrived): the bridge before upstream, upstream to its answer, first delta. */
  bridgeMs: z.number().optional(),
  upstreamMs: z.number().optional(),
  firstTokenMs: z.number().optional(),
});
export type LogRow = z.infer<typeof logRowSchema>;

/** A request read back from the usage history (after a restart): what was recorded, in the log row's shape. */
export const pastRowSchema = logRowSchema.extend({ fromHistory: z.literal(true) });
export type PastRow = z.infer<typeof pastRowSchema>;

/**
 * A request still being answered, as the inspector shows it live: what is known so far (the alias once the body was
 * read, attempts as retries happen, chunks relayed). `at` is when it arrived; the finished row then comes as a LogRow.
 */
export const inFlightRowSchema = logRowSchema.omit({ status: true, latencyMs: true, at: true }).extend({
  startedAt: z.string(),
  /** Waiting for the backend's answer, or relaying output (first delta seen). */
  phase: z.enum(['waiting', 'streaming']),
});
export type InFlightRow = z.infer<typeof inFlightRowSchema>;

const tokenTotalsSchema = z.object({
  requests: z.number(),
  errors: z.number(),
  inputTokens: z.number(),
  cachedTokens: z.number(),
  outputTokens: z.number(),
  reasoningTokens: z.number(),
  /** cachedTokens / inputTokens, 0 without input. */
  cachedShare: z.number(),
});

/** The usage history over a period, for the charts: per day and model, per day, the limit readings with their resets. */
export const usageReportViewSchema = z.object({
  days: z.number(),
  /** ISO time the period starts (local midnight). */
  since: z.string(),
  dayModels: z.array(tokenTotalsSchema.extend({ day: z.string(), model: z.string() })),
  perDay: z.array(tokenTotalsSchema.extend({ day: z.string() })),
  total: tokenTotalsSchema,
  /** Each reading: epoch ms, the window's label (`5h`, `weekly`), used %, and when that window resets (epoch ms). */
  limits: z.array(z.object({ at: z.number(), label: z.string(), usedPercent: z.number(), resetsAt: z.number().optional() })),
  forecasts: z.array(forecastViewSchema),
});
export type UsageReportView = z.infer<typeof usageReportViewSchema>;

export const cursorOutcomeSchema = z.object({
  ok: z.boolean(),
  /** What happened, in words, or why nothing was written. */
  message: z.string(),
  /** `field: old → new` lines. */
  diff: z.array(z.string()),
  /** Cursor was running when the outcome was reached. */
  cursorRunning: z.boolean(),
  /** Things to know that did not stop the write (a private address, Cursor running during a preview). */
  warnings: z.array(z.string()),
  /** What the user does next (paste the bridge token), after an applied configuration. */
  keyInstruction: z.string().optional(),
  /** The change in plain words (`Adds 9 models, sets the base URL to …, turns the OpenAI key on.`). */
  summary: z.string().optional(),
  /** Why nothing was written; `cancelled` is the user's own choice. */
  reason: z.enum(['invalid-input', 'no-public-url', 'cursor-running', 'cancelled', 'failed']).optional(),
});
export type CursorOutcome = z.infer<typeof cursorOutcomeSchema>;

/** Where the bridge token and the ngrok authtoken are kept: sealed by the OS keychain, or in 0600 files. */
export const secretsStorageSchema = z.enum(['os-keychain', 'file']);
export type SecretsStorage = z.infer<typeof secretsStorageSchema>;

const aliasOverrideViewSchema = z.object({ slug: z.string().optional(), effort: z.string().optional(), serviceTier: z.enum(['priority', 'default']).optional() });

/** settings.json as the settings form shows it: every key with its value in force (defaults filled in); secrets only as set or not. */
export const settingsViewSchema = z.object({
  /** The file itself, for those who edit it by hand. */
  path: z.string(),
  port: z.number(),
  host: z.string(),
  requireToken: z.boolean(),
  allowedOrigins: z.array(z.string()),
  tunnelProvider: z.enum(['ngrok', 'cloudflared']),
  /** Whether an ngrok authtoken is stored (its value never leaves the core). */
  ngrokAuthtokenSet: z.boolean(),
  tunnelDomain: z.string(),
  modelOverrides: z.record(z.string(), aliasOverrideViewSchema),
  reasoningSummaries: z.boolean(),
  /** 0: the bridge's built-in idle timeout. */
  idleTimeoutMs: z.number(),
  startAtLogin: z.boolean(),
  historyRetentionDays: z.number(),
  /** The alias served when the usage limit is reached; '' = fail with 429. */
  usageLimitFallback: z.string(),
  /** Which alias each Claude model family routes to on /v1/messages (the mapping in force, defaults included). */
  claudeModels: z.object({ opus: z.string(), sonnet: z.string(), haiku: z.string() }).strict(),
  secretsStorage: secretsStorageSchema,
  /** The bridge's aliases, for the override and fallback pickers. */
  aliases: z.array(z.string()),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

/** A change from the settings form: only the fields given change; '' clears a text field (back to its default). */
export const settingsChangeSchema = settingsViewSchema
  .omit({ path: true, ngrokAuthtokenSet: true, secretsStorage: true, aliases: true })
  .extend({ ngrokAuthtoken: z.string() })
  .partial()
  .strict();
export type SettingsChange = z.infer<typeof settingsChangeSchema>;

export const settingsOutcomeSchema = z.object({
  ok: z.boolean(),
  /** What changed and when it takes effect, or what is wrong, in words. */
  message: z.string(),
  /** The form field a refusal is about. */
  field: z.string().optional(),
  /** Fields saved that take effect only after the bridge restarts. */
  restartNeeded: z.array(z.string()),
  settings: settingsViewSchema,
});
export type SettingsOutcome = z.infer<typeof settingsOutcomeSchema>;

const MAX_COPY_LENGTH = 64 * 1024;
const noArgs = z.tuple([]);
const flag = z.tuple([z.boolean({ error: 'expected a boolean' })]);

/** Every request: its channel (always `bridge:`-prefixed; the main side refuses anything else), arguments and reply. */
export const REQUESTS = {
  getSnapshot: { channel: 'bridge:get-snapshot', args: noArgs, result: bridgeSnapshotSchema },
  listAliases: { channel: 'bridge:list-aliases', args: noArgs, result: z.array(aliasRowSchema) },
  runChecks: { channel: 'bridge:run-checks', args: noArgs, result: z.array(checkRowSchema) },
  recentLog: { channel: 'bridge:recent-log', args: noArgs, result: z.array(logRowSchema) },
  getToken: { channel: 'bridge:get-token', args: noArgs, result: z.string() },
  rotateToken: { channel: 'bridge:rotate-token', args: noArgs, result: z.string() },
  copyText: {
    channel: 'bridge:copy-text',
    args: z.tuple([z.string({ error: 'expected a string of at most 64 KiB' }).max(MAX_COPY_LENGTH, { error: 'expected a string of at most 64 KiB' })]),
    result: z.void(),
  },
  setTunnel: { channel: 'bridge:set-tunnel', args: flag, result: tunnelViewSchema },
  /** The argument is `dryRun`. A write Cursor blocks waits for it to quit (see `cursorWait` in the snapshot). */
  configureCursor: { channel: 'bridge:configure-cursor', args: flag, result: cursorOutcomeSchema },
  undoCursor: { channel: 'bridge:undo-cursor', args: noArgs, result: cursorOutcomeSchema },
  /** Stops a Cursor write that waits for Cursor to quit; the waiting request answers that nothing changed. */
  cancelCursorWait: { channel: 'bridge:cancel-cursor-wait', args: noArgs, result: z.void() },
  setStartAtLogin: { channel: 'bridge:set-start-at-login', args: flag, result: z.boolean() },
  /** Starts a sign-in with ChatGPT; its progress arrives in the snapshot's `signIn`. Resolves when it ends. */
  signIn: { channel: 'bridge:sign-in', args: z.tuple([z.lazy(() => signInMethodSchema)]), result: z.lazy(() => actionOutcomeSchema) },
  cancelSignIn: { channel: 'bridge:cancel-sign-in', args: noArgs, result: z.void() },
  signOut: { channel: 'bridge:sign-out', args: noArgs, result: z.lazy(() => actionOutcomeSchema) },
  /** One real request through the public URL with the bridge token: does Cursor's way in work? */
  testPublicUrl: { channel: 'bridge:test-public-url', args: noArgs, result: z.lazy(() => actionOutcomeSchema) },
  /** The requests being answered now, oldest first (the inspector's start; `onInFlight` follows). */
  inFlightRequests: { channel: 'bridge:in-flight-requests', args: noArgs, result: z.array(inFlightRowSchema) },
  /** Past requests from the usage history, newest first: at most `limit`, older than `before` (epoch ms) when given. */
  requestHistory: {
    channel: 'bridge:request-history',
    args: z.tuple([
      z.number({ error: 'expected a whole number from 1 to 500' }).int({ error: 'expected a whole number from 1 to 500' }).min(1, { error: 'expected a whole number from 1 to 500' }).max(500, { error: 'expected a whole number from 1 to 500' }),
      z.number({ error: 'expected epoch milliseconds or null' }).nullable(),
    ]),
    result: z.array(pastRowSchema),
  },
  /** The usage history of the last `days` days (today counts as one). */
  usageReport: {
    channel: 'bridge:usage-report',
    args: z.tuple([z.number({ error: 'expected a whole number of days from 1 to 90' }).int({ error: 'expected a whole number of days from 1 to 90' }).min(1, { error: 'expected a whole number of days from 1 to 90' }).max(90, { error: 'expected a whole number of days from 1 to 90' })]),
    result: usageReportViewSchema,
  },
  getSettings: { channel: 'bridge:get-settings', args: noArgs, result: settingsViewSchema },
  updateSettings: { channel: 'bridge:update-settings', args: z.tuple([settingsChangeSchema]), result: settingsOutcomeSchema },
} as const satisfies Record<string, { channel: `bridge:${string}`; args: z.ZodTuple; result: z.ZodType }>;

export type RequestName = keyof typeof REQUESTS;
export type RequestArgs = { [K in RequestName]: z.infer<(typeof REQUESTS)[K]['args']> };
export type RequestResult = { [K in RequestName]: z.infer<(typeof REQUESTS)[K]['result']> };

export const REQUEST_CHANNELS = Object.fromEntries(Object.entries(REQUESTS).map(([name, request]) => [name, request.channel])) as {
  [K in RequestName]: (typeof REQUESTS)[K]['channel'];
};

export const EVENT_CHANNELS = {
  log: 'bridge:event-log',
  snapshot: 'bridge:event-snapshot',
  /** The whole in-flight list, whenever a request starts, makes progress (at most every 250 ms) or finishes. */
  inFlight: 'bridge:event-in-flight',
} as const;

/** What the window can do. Every method is one IPC request; events arrive through `on…` subscriptions. */
export type BridgeApi = { [K in RequestName]: (...args: RequestArgs[K]) => Promise<RequestResult[K]> } & {
  onLog(listener: (row: LogRow) => void): () => void;
  onSnapshot(listener: (snapshot: BridgeSnapshot) => void): () => void;
  onInFlight(listener: (rows: InFlightRow[]) => void): () => void;
};

/**
 * What every request channel answers. Electron keeps only the message of a thrown Error, so failures travel as data
 * and the preload rebuilds the Error.
 */
export type IpcAnswer<T> = { ok: true; result: T } | { ok: false; error: { message: string } };

/** Thrown by `validateArgs`; the main side answers with it instead of calling the core. */
export class InvalidIpcArguments extends Error {}

/** Checks what a renderer sent against the schema before the core sees it: a compromised renderer gets nothing else through. */
export function validateArgs<K extends RequestName>(name: K, args: unknown[]): RequestArgs[K] {
  const request = REQUESTS[name];
  const parsed = request.args.safeParse(args);
  if (parsed.success) return parsed.data as RequestArgs[K];
  const issue = parsed.error.issues[0];
  const why =
    issue && issue.path.length === 0 && (issue.code === 'too_small' || issue.code === 'too_big')
      ? `expected ${request.args.def.items.length} argument(s), got ${args.length}`
      : (issue?.message ?? 'invalid arguments');
  throw new InvalidIpcArguments(`${request.channel}: ${why}`);
}

// ——— Status, sign-in and the public-URL test (appended: the window, the tray and the CLI share these views) ———

export const statusKindSchema = z.enum(['ready', 'needs-sign-in', 'limit-reached', 'tunnel-down', 'error']);
export type StatusKind = z.infer<typeof statusKindSchema>;
/** What the one button beside the status does. */
export const statusActionSchema = z.enum(['sign-in', 'retry-tunnel', 'open-usage']);
export type StatusAction = z.infer<typeof statusActionSchema>;

export const statusViewSchema = z.object({
  kind: statusKindSchema,
  /** ok: green; attention: the user has something to do; error: something is broken. */
  level: z.enum(['ok', 'attention', 'error']),
  /** `Ready`, `Needs sign-in`, `Usage limit reached until 14:20`, `Tunnel down`, `Error`. */
  title: z.string(),
  /** One sentence: what it means or why. */
  detail: z.string(),
  action: z.object({ id: statusActionSchema, label: z.string() }).optional(),
});
export type StatusView = z.infer<typeof statusViewSchema>;

export const signInMethodSchema = z.enum(['browser', 'device'], { error: 'expected "browser" or "device"' });
export type SignInMethod = z.infer<typeof signInMethodSchema>;

export const signInViewSchema = z.discriminatedUnion('state', [
  /** The browser was opened on `url` (or should be, when `opened` is false). */
  z.object({ state: z.literal('waiting-browser'), url: z.string(), opened: z.boolean() }),
  z.object({ state: z.literal('device-code'), userCode: z.string(), verificationUrl: z.string() }),
  /** Started, nothing to show yet. */
  z.object({ state: z.literal('starting'), method: signInMethodSchema }),
  z.object({ state: z.literal('done'), message: z.string() }),
  /** `cancelled`: the user's own choice, not shown as a failure. */
  z.object({ state: z.literal('failed'), message: z.string(), cancelled: z.boolean() }),
]);
export type SignInView = z.infer<typeof signInViewSchema>;

/** A use case's answer in the user's words. */
export const actionOutcomeSchema = z.object({ ok: z.boolean(), message: z.string() });
export type ActionOutcome = z.infer<typeof actionOutcomeSchema>;
