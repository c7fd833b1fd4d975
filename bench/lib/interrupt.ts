const cleanups: (() => Promise<void>)[] = [];
let listening = false;

/**
 * Runs `cleanup` on Ctrl-C until the returned function is called. Every registered cleanup runs, the
 * newest first, one after the other (a server is stopped and its database dropped before the cluster
 * under them goes down), then the process exits with 130.
 */
export function cleanUpOnInterrupt(cleanup: () => Promise<void>): () => void {
  if (!listening) {
    listening = true;
    process.once('SIGINT', () => {
      console.error('\ninterrupted: stopping the servers and dropping the databases');
      void (async () => {
        for (const next of [...cleanups].reverse()) await next().catch((error: Error) => console.error(error.message));
      })().finally(() => process.exit(130));
    });
  }
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.indexOf(cleanup);
    if (index !== -1) cleanups.splice(index, 1);
  };
}
