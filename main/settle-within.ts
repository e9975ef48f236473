/** The promise's value, or undefined once `ms` have passed (the promise keeps running; its failure is absorbed). */
export function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
    promise.then(resolve, () => resolve(undefined)).finally(() => clearTimeout(timer));
  });
}
