import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

/**
 * CPU and memory of processes, sampled from /proc (Linux): per named group of pids, the CPU time
 * used between `start` and `stop` (as a share of one core) and the largest resident set seen. A
 * group's pids are looked up again at every sample (Postgres backends come and go with pools).
 */
export interface Usage {
  /** Average CPU over the window, in % of one core (200% = both cores of this machine). */
  cpuPercent: number;
  /** CPU seconds used in the window. */
  cpuSeconds: number;
  /** Largest resident set size seen, MiB. */
  peakRssMiB: number;
  /** Resident set size at the last sample, MiB. */
  lastRssMiB: number;
  processes: number;
}

const TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();
const PAGE_KIB = 4;

function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

function rssMiB(pid: number): number {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, "utf8").split(" ");
    return (Number(statm[1]) * PAGE_KIB) / 1024;
  } catch {
    return 0;
  }
}

/** Whole-machine CPU (all processes, everyone's): busy and total ticks. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0].split(/\s+/).slice(1).map(Number);
  const idle = line[3] + (line[4] ?? 0);
  const total = line.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export class Sampler {
  private readonly first = new Map<string, Map<number, number>>();
  private readonly last = new Map<string, Map<number, number>>();
  private readonly peak = new Map<string, number>();
  private readonly current = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private stoppedAt = 0;
  private machineStart = { busy: 0, total: 0 };
  private machineEnd = { busy: 0, total: 0 };

  constructor(
    /** Group name → its pids now. */
    private readonly groups: () => Promise<Record<string, number[]>>,
    private readonly everyMs = 1000,
  ) {}

  async start(): Promise<void> {
    this.startedAt = Date.now();
    this.machineStart = machineTicks();
    await this.sample(true);
    const tick = () => {
      this.sample()
        .catch(() => undefined)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.everyMs);
        });
    };
    this.timer = setTimeout(tick, this.everyMs);
  }

  async stop(): Promise<{ seconds: number; processes: Record<string, Usage>; machineCpuPercent: number }> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sample();
    this.stoppedAt = Date.now();
    this.machineEnd = machineTicks();
    const seconds = (this.stoppedAt - this.startedAt) / 1000;
    const processes: Record<string, Usage> = {};
    for (const [group, last] of this.last) {
      const first = this.first.get(group)!;
      let ticks = 0;
      for (const [pid, t] of last) ticks += t - (first.get(pid) ?? 0);
      const cpuSeconds = ticks / TICKS;
      processes[group] = {
        cpuPercent: round((cpuSeconds / seconds) * 100),
        cpuSeconds: round(cpuSeconds),
        peakRssMiB: round(this.peak.get(group) ?? 0),
        lastRssMiB: round(this.current.get(group) ?? 0),
        processes: last.size,
      };
    }
    const m = { busy: this.machineEnd.busy - this.machineStart.busy, total: this.machineEnd.total - this.machineStart.total };
    // /proc/stat sums every core: busy/total is the machine's share; × cores gives % of one core
    const cores = Number(execFileSync("nproc").toString().trim()) || 1;
    return { seconds: round(seconds), processes, machineCpuPercent: round((m.busy / Math.max(1, m.total)) * 100 * cores) };
  }

  private async sample(initial = false): Promise<void> {
    const groups = await this.groups();
    for (const [group, pids] of Object.entries(groups)) {
      const first = this.first.get(group) ?? new Map<number, number>();
      const last = this.last.get(group) ?? new Map<number, number>();
      let rss = 0;
      for (const pid of pids) {
        const t = cpuTicks(pid);
        if (t === null) continue;
        // a pid first seen after the window opened started inside it: all its CPU counts
        if (!first.has(pid)) first.set(pid, initial ? t : 0);
        last.set(pid, t);
        rss += rssMiB(pid);
      }
      this.first.set(group, first);
      this.last.set(group, last);
      this.current.set(group, rss);
      this.peak.set(group, Math.max(this.peak.get(group) ?? 0, rss));
    }
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
