import type { LoginView } from '../../shared/bridge-api.js';
import { dateTime } from '../format.js';
import { CodeText } from './CodeText.js';
import { Section } from './Section.js';

/** What to do when the core's message does not already say it. */
const REFRESH_FIX = 'Run `codex login` again.';

export function LoginPanel({ login }: { login: LoginView }) {
  return (
    <Section title="ChatGPT login">
      {login.state === 'ok' ? (
        <p className="login-line login-ok">
          Signed in as <strong>{login.email ?? 'an unnamed account'}</strong>
          {login.plan ? <span className="badge">{login.plan}</span> : null}
          {login.expiresAt ? <span className="muted">· token valid until {dateTime(login.expiresAt)}</span> : null}
        </p>
      ) : (
        <p className="login-line login-problem">
          <strong>{login.state === 'refresh-failed' ? 'The login needs renewing.' : 'Not signed in with ChatGPT.'}</strong>{' '}
          <CodeText text={login.message ?? ''} />
          {login.state === 'refresh-failed' ? (
            <>
              {' '}
              <CodeText text={REFRESH_FIX} />
            </>
          ) : null}
        </p>
      )}
      {login.state === 'ok' && login.message ? (
        <p className="muted">
          <CodeText text={login.message} />
        </p>
      ) : null}
      <p className="muted small">
        Login file: <code>{login.authPath}</code>
      </p>
    </Section>
  );
}
