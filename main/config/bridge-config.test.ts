import path from 'node:path';
import { expect, it } from 'vitest';
import { codexCliAuthPath, resolveConfig } from './bridge-config.js';

it('CODEX_BRIDGE_AUTH_ISSUER moves the issuer and the refresh endpoint; CODEX_REFRESH_TOKEN_URL_OVERRIDE still wins for refresh', () => {
  expect(resolveConfig({}, {}, '/home/u')).toMatchObject({ authIssuer: 'https://auth.openai.com', refreshTokenUrl: 'https://auth.openai.com/oauth/token' });
  expect(resolveConfig({ CODEX_BRIDGE_AUTH_ISSUER: 'http://127.0.0.1:8800/' }, {}, '/home/u')).toMatchObject({
    authIssuer: 'http://127.0.0.1:8800',
    refreshTokenUrl: 'http://127.0.0.1:8800/oauth/token',
  });
  expect(
    resolveConfig({ CODEX_BRIDGE_AUTH_ISSUER: 'http://127.0.0.1:8800', CODEX_REFRESH_TOKEN_URL_OVERRIDE: 'http://127.0.0.1:9900/token' }, {}, '/home/u'),
  ).toMatchObject({ authIssuer: 'http://127.0.0.1:8800', refreshTokenUrl: 'http://127.0.0.1:9900/token' });
});

it('the Codex CLI keeps its login in $CODEX_HOME/auth.json, else ~/.codex/auth.json; CODEX_AUTH_PATH only moves the bridge', () => {
  expect(codexCliAuthPath({}, '/home/u')).toBe(path.join('/home/u', '.codex', 'auth.json'));
  expect(codexCliAuthPath({ CODEX_HOME: '/srv/codex', CODEX_AUTH_PATH: '/elsewhere.json' }, '/home/u')).toBe(path.join('/srv/codex', 'auth.json'));
  expect(resolveConfig({ CODEX_HOME: '/srv/codex', CODEX_AUTH_PATH: '/elsewhere.json' }, {}, '/home/u').authPath).toBe('/elsewhere.json');
});
