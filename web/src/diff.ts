// Line diffs: Myers' O(ND) algorithm ("An O(ND) Difference Algorithm and
// Its Variations", 1986) on lines, after the common head and tail are cut
// off, and unified hunks with three lines of context, as `git diff` prints
// them. Bounded: past MAX_EDITS differing lines it gives up (the caller
// says so) rather than use quadratic memory.

export const MAX_EDITS = 2000;
export const CONTEXT = 3;

export interface Line {
  /** " ", "-" or "+". */
  op: string;
  text: string;
  /** The line has no newline at its end (the file's last line). */
  noEol: boolean;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: Line[];
}

/** Splits text into lines, each with its "\n" (the last may lack it). */
export function lines(text: string): string[] {
  if (text === "") return [];
  const out = text.split("\n").map((l) => l + "\n");
  const last = out.pop()!;
  if (last !== "\n") out.push(last.slice(0, -1));
  return out;
}

type Op = [" " | "-" | "+", number];

/** The edit script turning a into b, or null past MAX_EDITS edits. */
export function editScript(a: string[], b: string[]): Op[] | null {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ids = new Map<string, number>();
  const id = (s: string) => {
    let v = ids.get(s);
    if (v === undefined) ids.set(s, (v = ids.size));
    return v;
  };
  const A = Int32Array.from(a.slice(head, a.length - tail), id);
  const B = Int32Array.from(b.slice(head, b.length - tail), id);
  const n = A.length;
  const m = B.length;
  const max = n + m;
  const ops: Op[] = [];
  for (let i = 0; i < head; i++) ops.push([" ", i]);
  const middle: Op[] = [];
  if (n === 0 || m === 0) {
    for (let i = 0; i < n; i++) middle.push(["-", head + i]);
    for (let j = 0; j < m; j++) middle.push(["+", head + j]);
  } else {
    const limit = Math.min(max, MAX_EDITS);
    const off = limit + 1;
    let v = new Int32Array(2 * limit + 3);
    const trace: Int32Array[] = [];
    let found = -1;
    for (let d = 0; d <= limit && found < 0; d++) {
      trace.push(v.slice(off - d - 1, off + d + 2));
      for (let k = -d; k <= d; k += 2) {
        let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
        let y = x - k;
        while (x < n && y < m && A[x] === B[y]) {
          x++;
          y++;
        }
        v[off + k] = x;
        if (x >= n && y >= m) {
          found = d;
          break;
        }
      }
    }
    if (found < 0) return null;
    // Back from (n, m): trace[d] holds v as it was before step d, for
    // k in -d-1 .. d+1 (index k + d + 1).
    let x = n;
    let y = m;
    const rev: Op[] = [];
    for (let d = found; d > 0; d--) {
      const pv = trace[d];
      const at = (k: number) => pv[k + d + 1];
      const k = x - y;
      const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
      const pk = down ? k + 1 : k - 1;
      const px = at(pk);
      const py = px - pk;
      const sx = down ? px : px + 1;
      const sy = down ? py + 1 : py;
      while (x > sx && y > sy) {
        x--;
        y--;
        rev.push([" ", head + x]);
      }
      if (down) {
        y--;
        rev.push(["+", head + y]);
      } else {
        x--;
        rev.push(["-", head + x]);
      }
    }
    while (x > 0 && y > 0) {
      x--;
      y--;
      rev.push([" ", head + x]);
    }
    middle.push(...rev.reverse());
  }
  ops.push(...middle);
  for (let i = a.length - tail; i < a.length; i++) ops.push([" ", i]);
  return ops;
}

/** Unified hunks of a -> b, or null when the diff is too large. */
export function unified(a: string[], b: string[], context = CONTEXT): Hunk[] | null {
  const ops = editScript(a, b);
  if (ops === null) return null;
  // Positions in a and b of each op.
  const rows: { op: string; ai: number; bi: number }[] = [];
  let ai = 0;
  let bi = 0;
  for (const [op] of ops) {
    rows.push({ op, ai, bi });
    if (op !== "+") ai++;
    if (op !== "-") bi++;
  }
  const hunks: Hunk[] = [];
  let i = 0;
  while (i < rows.length) {
    while (i < rows.length && rows[i].op === " ") i++;
    if (i >= rows.length) break;
    let start = Math.max(0, i - context);
    while (start > 0 && rows[start - 1].op !== " ") start--;
    let end = i;
    // Extend while the next change is within 2 * context lines.
    for (;;) {
      while (end < rows.length && rows[end].op !== " ") end++;
      let next = end;
      while (next < rows.length && rows[next].op === " ") next++;
      if (next < rows.length && next - end <= 2 * context) {
        end = next;
        continue;
      }
      end = Math.min(rows.length, end + context);
      break;
    }
    const h: Hunk = { oldStart: rows[start].ai + 1, oldLines: 0, newStart: rows[start].bi + 1, newLines: 0, lines: [] };
    for (let r = start; r < end; r++) {
      const { op, ai: x, bi: y } = rows[r];
      const text = op === "+" ? b[y] : a[x];
      h.lines.push({ op, text: text.endsWith("\n") ? text.slice(0, -1) : text, noEol: !text.endsWith("\n") });
      if (op !== "+") h.oldLines++;
      if (op !== "-") h.newLines++;
    }
    // git's numbering: an empty side starts at the line before.
    if (h.oldLines === 0) h.oldStart--;
    if (h.newLines === 0) h.newStart--;
    hunks.push(h);
    i = end;
  }
  return hunks;
}
