/**
 * Fault injection for the crash-window tests: with FAULT_INJECT set, the process kills itself
 * (SIGKILL: no cleanup, like a power cut) the first time it reaches that point.
 */
export type FaultPoint = "after-sign" | "after-broadcast" | "during-indexing";

export function faultPoint(configured: FaultPoint | undefined) {
  let fired = false;
  return (point: FaultPoint) => {
    if (configured === point && !fired) {
      fired = true;
      process.kill(process.pid, "SIGKILL");
    }
  };
}
