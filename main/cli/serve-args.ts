import { parsePort } from '../config/bridge-config.js';
import { parseCliArgs } from './suggest.js';

export interface ServeFlags {
  port?: number;
  host?: string;
  authPath?: string;
  tunnel?: boolean;
  setup: boolean;
  requireToken?: boolean;
  help: boolean;
  version: boolean;
}

/** A mistake on the command line: printed with the usage, exit status 2. */
export class UsageError extends Error {}

/** Parses `serve` flags (the same as the original bridge's); `--no-x` forms are spelled out for Node 20's parseArgs. */
export function parseServeFlags(argv: string[]): ServeFlags {
  let parsed;
  try {
    parsed = parseCliArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'auth-path': { type: 'string', short: 'a' },
        tunnel: { type: 'boolean' },
        'no-tunnel': { type: 'boolean' },
        setup: { type: 'boolean' },
        'no-setup': { type: 'boolean' },
        'require-token': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  const flags: ServeFlags = { setup: !values['no-setup'], help: values.help === true, version: values.version === true };
  if (values.port !== undefined) {
    const port = parsePort(values.port);
    if (port === undefined) throw new UsageError(`--port must be a number from 0 to 65535, got "${values.port}".`);
    flags.port = port;
  }
  if (values.host !== undefined) {
    if (values.host.trim() === '') throw new UsageError('--host needs an address, e.g. 127.0.0.1.');
    flags.host = values.host.trim();
  }
  if (values['auth-path'] !== undefined) {
    if (values['auth-path'].trim() === '') throw new UsageError('--auth-path needs a file path.');
    flags.authPath = values['auth-path'];
  }
  if (values.tunnel && values['no-tunnel']) throw new UsageError('--tunnel and --no-tunnel contradict each other.');
  if (values.setup && values['no-setup']) throw new UsageError('--setup and --no-setup contradict each other.');
  if (values.tunnel) flags.tunnel = true;
  if (values['no-tunnel']) flags.tunnel = false;
  if (values['require-token']) flags.requireToken = true;
  return flags;
}
