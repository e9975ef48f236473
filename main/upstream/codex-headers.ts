import os from 'node:os';
import type { BridgeConfig } from '../config/bridge-config.js';

export interface Credentials {
  accessToken: string;
  accountId: string | null;
}

/** The identity headers the Codex CLI sends on every backend call (captures 01/03). */
export function identityHeaders(config: Pick<BridgeConfig, 'originator' | 'clientVersion'>): Record<string, string> {
  return {
    originator: config.originator,
    version: config.clientVersion,
    'user-agent': userAgent(config),
  };
}

export function userAgent(config: Pick<BridgeConfig, 'originator' | 'clientVersion'>): string {
  return `${config.originator}/${config.clientVersion} (${os.type()} ${os.release()}; ${os.arch()}) codex-cursor-bridge`;
}

export function authHeaders(credentials: Credentials): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${credentials.accessToken}` };
  if (credentials.accountId) headers['chatgpt-account-id'] = credentials.accountId;
  return headers;
}

export interface TurnHeaderOptions {
  sessionId: string;
  /** responses-lite models take their tools and instructions as input items and must say so. */
  lite: boolean;
}

export function turnHeaders({ sessionId, lite }: TurnHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    'content-type': 'application/json',
    'session-id': sessionId,
    'thread-id': sessionId,
    'x-client-request-id': sessionId,
  };
  if (lite) headers['x-openai-internal-codex-responses-lite'] = 'true';
  return headers;
}
