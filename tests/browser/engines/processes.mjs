// The browsers' processes, read from /proc: which process is the browser, and the
// peak resident memory of its content (renderer) processes while a test runs.
import { readdirSync, readFileSync } from 'node:fs';

function all() {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1] || 0) * 1024;
      out.push({ pid: Number(d), ppid, cmd, rss });
    } catch (_) { /* exited meanwhile */ }
  }
  return out;
}

export function findProcess(match) {
  const p = all().find((x) => match(x.cmd));
  return p ? p.pid : null;
}

/** Samples every 100 ms; `stop()` returns the largest RSS one content process had. */
export function sampleMemory(rootPid, isContent) {
  let peak = 0;
  const tick = () => {
    const procs = all();
    const tree = new Set([rootPid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const p of procs) if (!tree.has(p.pid) && tree.has(p.ppid)) { tree.add(p.pid); grew = true; }
    }
    for (const p of procs) if (tree.has(p.pid) && isContent(p.cmd)) peak = Math.max(peak, p.rss);
  };
  tick();
  const timer = setInterval(tick, 100);
  return { stop() { clearInterval(timer); tick(); return peak; } };
}
