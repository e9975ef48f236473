/**
 * Runs the fake backend by hand or from scripts:
 *   node --import tsx test/support/fake-backend/cli.ts --port N [--host H] [--write-auth PATH] [--expires-in SEC]
 * Prints the environment that points the bridge at it, then serves until SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeBackend } from './server.js';

const USAGE =
  'usage: cli.ts [--port N] [--host H] [--write-auth PATH] [--expires-in SEC]\n' +
  '  --port        TCP port (0 or absent = any free port)\n' +
  '  --host        listen address (default 127.0.0.1)\n' +
  '  --write-auth  write a codex auth.json the fake accepts to PATH (mode 0600)\n' +
  '  --expires-in  lifetime of the written access token in seconds (negative = already expired)';

interface CliOptions {
  port: number;
  host: string;
  authPath?: string;
  expiresInSec?: number;
}

class UsageError extends Error {}

function parseCli(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'write-auth': { type: 'string' },
        'expires-in': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const port = values.port === undefined ? 0 : integer('--port', values.port);
  if (port < 0 || port > 65535) throw new UsageError(`--port must be between 0 and 65535, got ${port}`);
  if (values['expires-in'] !== undefined && values['write-auth'] === undefined) {
    throw new UsageError('--expires-in only makes sense with --write-auth');
  }
  return {
    port,
    host: values.host ?? '127.0.0.1',
    ...(values['write-auth'] !== undefined && { authPath: resolve(values['write-auth']) }),
    ...(values['expires-in'] !== undefined && { expiresInSec: integer('--expires-in', values['expires-in']) }),
  };
}

function integer(flag: string, text: string): number {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${flag} needs an integer, got '${text}'`);
  return Number(text);
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const backend = await startFakeBackend({ port: options.port, host: options.host });
  if (options.authPath) {
    backend.tokens.writeAuthFile(options.authPath, {
      ...(options.expiresInSec !== undefined && { expiresInSec: options.expiresInSec }),
    });
  }
  const env = [
    `CODEX_BRIDGE_UPSTREAM=${backend.baseUrl}`,
    `CODEX_REFRESH_TOKEN_URL_OVERRIDE=${backend.tokenUrl}`,
    `CODEX_BRIDGE_AUTH_ISSUER=${backend.origin}`,
    ...(options.authPath ? [`CODEX_AUTH_PATH=${options.authPath}`] : []),
  ];
  process.stdout.write(`Fake Codex backend listening on ${backend.origin}\n${env.join('\n')}\n`);

  const stop = () => {
    backend.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
