import type { CursorOutcome } from '../../app/index.js';
import { resolveConfig } from '../../config/bridge-config.js';
import { cliApp } from '../cli-app.js';
import type { CliContext } from '../cli-context.js';
import { parseCliArgs } from '../suggest.js';

export const CONFIGURE_CURSOR_USAGE = `Usage: codex-cursor-bridge configure-cursor [--base-url URL] [--dry-run] [--undo] [--write-plaintext-key]

Points Cursor's "OpenAI API Key" settings (base URL, key toggle, custom models) at the bridge. Quit Cursor first:
it overwrites its settings database while it runs. A backup is taken before every change.
  --base-url URL          the bridge's public URL (default: the running tunnel's); /v1 is appended if missing
  --dry-run               show what would change; write nothing
  --undo                  restore the values the bridge replaced (changes made since are kept)
  --write-plaintext-key   also write the bridge token to Cursor's legacy plaintext key row (older Cursor builds)
Set CODEX_BRIDGE_CURSOR_DB to use another state.vscdb (portable installs, --user-data-dir).`;

interface Flags {
  baseUrl: string | undefined;
  dryRun: boolean;
  undo: boolean;
  writePlaintextKey: boolean;
  help: boolean;
}

function parseFlags(argv: string[]): Flags {
  const { values } = parseCliArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'base-url': { type: 'string' },
      'dry-run': { type: 'boolean' },
      undo: { type: 'boolean' },
      'write-plaintext-key': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const flags: Flags = {
    baseUrl: values['base-url'],
    dryRun: values['dry-run'] === true,
    undo: values.undo === true,
    writePlaintextKey: values['write-plaintext-key'] === true,
    help: values.help === true,
  };
  if (flags.undo && (flags.baseUrl !== undefined || flags.writePlaintextKey)) {
    throw new Error('--undo cannot be combined with --base-url or --write-plaintext-key');
  }
  return flags;
}

const PREFIX = 'codex-cursor-bridge configure-cursor';

export async function runConfigureCursor(argv: string[], ctx: CliContext): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    ctx.stderr(`${PREFIX}: ${(error as Error).message}\n\n${CONFIGURE_CURSOR_USAGE}`);
    return 2;
  }
  if (flags.help) {
    ctx.stdout(CONFIGURE_CURSOR_USAGE);
    return 0;
  }
  const app = cliApp(ctx, resolveConfig(ctx.env));
  const request = { ...(flags.baseUrl !== undefined ? { baseUrl: flags.baseUrl } : {}), writePlaintextKey: flags.writePlaintextKey };
  const outcome = flags.undo
    ? await app.undoCursor({ dryRun: flags.dryRun })
    : flags.dryRun
      ? await app.previewCursor(request)
      : await app.configureCursor(request);
  return render(ctx, outcome, () => app.token());
}

/** `token` is read only when shown: a dry run or a failure leaves CODEX_BRIDGE_HOME untouched. */
function render(ctx: CliContext, outcome: CursorOutcome, token: () => string): number {
  for (const warning of outcome.warnings) ctx.stderr(`Warning: ${warning}`);
  if (!outcome.ok) {
    const usage = outcome.reason === 'invalid-input' || outcome.reason === 'no-public-url';
    ctx.stderr(`${PREFIX}: ${outcome.message}${usage ? `\n\n${CONFIGURE_CURSOR_USAGE}` : ''}`);
    return usage ? 2 : 1;
  }
  ctx.stdout([outcome.message, ...outcome.diff.map((line) => `  ${line}`)].join('\n'));
  if (outcome.backupPath) ctx.stdout(`Backup of the previous database: ${outcome.backupPath}`);
  if (outcome.keyInstruction) {
    ctx.stdout(`${outcome.keyInstruction}:\n  ${token()}`);
    ctx.stdout('Then start Cursor and pick a bridge-* model. To revert: codex-cursor-bridge configure-cursor --undo');
  }
  return 0;
}
