/**
 * Runs `work` every `intervalMs`, each run starting that long after the previous one ended (so runs
 * never overlap), until the returned function is called. A run that fails goes to `failed` and the
 * next tick tries again.
 */
export function every(intervalMs: number, work: () => Promise<unknown>, failed: (e: Error) => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    work()
      .catch(failed)
      .finally(() => {
        if (timer) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
