/** `new URL(value)`, or undefined for text that is not a URL (URL.parse needs Node 22; we support 20). */
export function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
