import { TunnelError } from './tunnel-provider.js';

const ADD_AUTHTOKEN =
  'Set NGROK_AUTHTOKEN or run `ngrok config add-authtoken <token>` (free account at dashboard.ngrok.com; ' +
  'the token is at https://dashboard.ngrok.com/get-started/your-authtoken).';
const KEEPS_SERVING = 'the bridge keeps serving on localhost';

/** Codes ngrok answers when the authtoken itself is unusable (malformed, v1, revoked, none sent). */
const AUTHTOKEN_CODES = new Set(['ERR_NGROK_105', 'ERR_NGROK_106', 'ERR_NGROK_107', 'ERR_NGROK_4018']);
/** Codes for a domain the account may not bind (not reserved, other account, wrong region, paid feature). */
const DOMAIN_CODES = new Set(['ERR_NGROK_313', 'ERR_NGROK_317', 'ERR_NGROK_318', 'ERR_NGROK_319', 'ERR_NGROK_320']);
/** Codes that clear up once another agent lets go (session limit, endpoint already online elsewhere). */
const IN_USE_CODES = new Set(['ERR_NGROK_108', 'ERR_NGROK_334']);

export function missingAuthtokenError(): TunnelError {
  return new TunnelError(`ngrok needs an authtoken and none was found; ${KEEPS_SERVING}`, {
    code: 'ngrok_authtoken_missing',
    hint: ADD_AUTHTOKEN,
    retryable: false,
  });
}

export function libraryUnavailableError(err: unknown): TunnelError {
  return new TunnelError(`the ngrok library could not be loaded on this system: ${messageOf(err)}; ${KEEPS_SERVING}`, {
    code: 'ngrok_unavailable',
    hint: 'Use a Cloudflare quick tunnel instead (install `cloudflared`), or reinstall the bridge for this platform.',
    retryable: false,
  });
}

export interface NgrokErrorContext {
  /** Redacted from every message: ngrok echoes a rejected token back. */
  authtoken: string;
  domain?: string | undefined;
}

/**
 * Turns an error thrown by `@ngrok/ngrok` (a napi Error with `code: 'GenericFailure'` and, when ngrok's
 * servers answered, an `ERR_NGROK_nnn` code in `errorCode` and the message) into a user-facing TunnelError.
 */
export function mapNgrokError(err: unknown, ctx: NgrokErrorContext): TunnelError {
  const raw = messageOf(err);
  const message = ctx.authtoken ? raw.split(ctx.authtoken).join('<redacted>') : raw;
  const code = ngrokErrorCode(err, message);
  const reason = firstLine(message);
  // ngrok prefixes every refusal at login with "authentication failed", session limits included: codes decide first.
  if (code ? AUTHTOKEN_CODES.has(code) : /authentication failed/i.test(message)) {
    return new TunnelError(`ngrok rejected the authtoken${suffix(code)}: ${reason}`, {
      code: 'ngrok_authtoken_rejected',
      hint: `The authtoken was rejected. ${ADD_AUTHTOKEN}`,
      retryable: false,
    });
  }
  if (code && DOMAIN_CODES.has(code)) {
    const domain = ctx.domain ?? 'the domain';
    return new TunnelError(`ngrok refused ${domain}${suffix(code)}: ${reason}`, {
      code: 'ngrok_domain_unavailable',
      hint:
        `Reserve ${domain} for this ngrok account at https://dashboard.ngrok.com/domains, ` +
        "or clear the domain setting to use the account's default URL.",
      retryable: false,
    });
  }
  if (code && IN_USE_CODES.has(code)) {
    return new TunnelError(`ngrok is busy for this account${suffix(code)}: ${reason}`, {
      code: 'ngrok_in_use',
      hint:
        'Another ngrok agent is using this account or domain: stop it (https://dashboard.ngrok.com/agents); ' +
        'the bridge retries automatically.',
      retryable: true,
    });
  }
  if (code) {
    return new TunnelError(`ngrok refused the tunnel${suffix(code)}: ${reason}`, {
      code: 'ngrok_rejected',
      hint: `See https://ngrok.com/docs/errors/${code.toLowerCase()}/ for what to change; ${KEEPS_SERVING}.`,
      retryable: false,
    });
  }
  // No ngrok code: the servers were never reached (offline, DNS, firewall, TLS interception).
  return new TunnelError(`could not reach ngrok: ${reason}; ${KEEPS_SERVING}`, {
    code: 'ngrok_unreachable',
    hint:
      'Check the internet connection and that outbound HTTPS to connect.ngrok-agent.com is allowed; ' +
      'the bridge retries automatically.',
    retryable: true,
  });
}

function ngrokErrorCode(err: unknown, message: string): string | undefined {
  const fromLibrary = (err as { errorCode?: unknown } | null)?.errorCode;
  if (typeof fromLibrary === 'string' && fromLibrary) return fromLibrary;
  return /ERR_NGROK_\d+/.exec(message)?.[0];
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function firstLine(message: string): string {
  const line = message.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return line.replace(/\s*error_code: ERR_NGROK_\d+\s*$/, '').trim();
}

function suffix(code: string | undefined): string {
  return code ? ` (${code})` : '';
}
