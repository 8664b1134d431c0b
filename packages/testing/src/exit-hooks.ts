// Last-chance cleanup when the test process goes away (children, database servers).
// Invariants:
// - hooks are synchronous (they run from process 'exit', where async work never completes);
// - each hook runs at most once, and a throwing hook does not stop the others;
// - on SIGINT/SIGTERM/SIGHUP the hooks run, then the signal is re-raised with our listener removed,
//   so the process ends exactly as it would have without us (unless someone else handles it).
const hooks = new Set<() => void>();
let installed = false;

function runHooks(): void {
  for (const hook of [...hooks]) {
    hooks.delete(hook);
    try {
      hook();
    } catch {
      // best effort: the process is exiting anyway
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runHooks);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      runHooks();
      process.removeListener(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Registers a synchronous hook run when the process exits; returns a function that unregisters it. */
export function onProcessExit(hook: () => void): () => void {
  install();
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
  };
}
