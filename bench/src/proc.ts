// What Linux's /proc says about the server process (proc(5)); null where it says nothing (gone, or no /proc).
import { readFileSync } from 'node:fs';

/** Resident memory, in MB. */
export function rssMb(pid: number | undefined): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture Node supports. */
const TICKS_PER_SECOND = 100;

/** CPU time used so far, user and system (fields 14 and 15 of stat), in milliseconds. */
export function cpuMs(pid: number): number | null {
  try {
    // The command name, field 2, is in parentheses and may hold spaces: count from after it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
