/** How the user picks another address where the message is shown: CLI flags, or the app's environment. */
export interface ListenRemedies {
  /** e.g. "pick another port with --port" */
  otherPort: string;
  /** e.g. "use --host 127.0.0.1" */
  loopbackHost: string;
}

/** Why the bridge could not listen, in words, for the CLI's error line and the app's dialog. */
export function listenFailureMessage(error: unknown, host: string, port: number, remedies: ListenRemedies): string {
  const where = `${host}:${port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `Port ${where} is already in use (another bridge?). Stop it, or ${remedies.otherPort}.`;
    case 'EACCES':
      return `Not allowed to listen on ${where}: ${remedies.otherPort} (above 1023).`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine: ${remedies.loopbackHost}.`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
