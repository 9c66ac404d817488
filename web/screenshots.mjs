// Screenshots of the viewer's main views (docs/web/*.png) of a synthetic
// repository, and the harness web/test/tree.test.mjs shares: a throwaway
// Kubo (own IPFS_PATH, test profile: loopback, random ports, no
// bootstrap), a repository pushed with the real git and
// target/debug/git-remote-nip, web/dist served on loopback.
//
//   node web/screenshots.mjs      (after cargo build --workspace and node build.mjs)
//
// Deterministic enough: fixed dates, names and bytes give the same
// commits and the same nip address; the viewport is fixed.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { tmpdir, homedir } from "node:os";
import { join, dirname, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deflateSync, crc32 } from "node:zlib";

export const web = dirname(fileURLToPath(import.meta.url));
export const root = join(web, "..");
export const dist = join(web, "dist");
export const kuboBin = process.env.NIP_TEST_IPFS || join(homedir(), ".cache/nip/kubo/v0.39.0/ipfs");
export const chromiumBin = process.env.NIP_TEST_CHROMIUM || "/usr/bin/chromium";

async function waitFor(what, f, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A harness: call close() at the end, even on failure. */
export function harness(prefix = "nip-web-tree-") {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const ipfsPath = join(tmp, "ipfs");
  const ipfsEnv = { ...process.env, IPFS_PATH: ipfsPath, IPFS_TELEMETRY: "off" };
  delete ipfsEnv.IPFS_API;
  const children = [];
  const servers = [];
  const h = {
    tmp,
    ipfsEnv,
    ipfs: (...args) => execFileSync(kuboBin, args, { env: ipfsEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    git: (cwd, ...args) => execFileSync("git", args, { cwd, env: h.gitEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    gitBytes: (cwd, ...args) => execFileSync("git", args, { cwd, env: h.gitEnv, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 }),
    async startKubo() {
      for (const [what, p] of [["Kubo", kuboBin], ["target/debug/git-remote-nip (cargo build --workspace)", join(root, "target/debug/git-remote-nip")], ["web/dist (node build.mjs)", join(dist, "index.html")]]) {
        if (!existsSync(p)) throw new Error(`no ${what} at ${p}`);
      }
      h.ipfs("init", "--profile", "test");
      h.ipfs("config", "--json", "Plugins.Plugins.telemetry.Config.Mode", '"off"');
      h.ipfs("config", "--json", "Datastore.GCPeriod", '"0"');
      h.ipfs("config", "--json", "Gateway.NoFetch", "true");
      const daemon = spawn(kuboBin, ["daemon", "--enable-gc=false"], { env: ipfsEnv, stdio: "ignore" });
      children.push(daemon);
      h.api = await waitFor("the Kubo API", () => existsSync(join(ipfsPath, "api")) && readFileSync(join(ipfsPath, "api"), "utf8").trim());
      const gw = await waitFor("the Kubo gateway", () => existsSync(join(ipfsPath, "gateway")) && readFileSync(join(ipfsPath, "gateway"), "utf8").trim());
      h.gateway = gw.replace("//localhost:", "//127.0.0.1:").replace(/\/+$/, "");
      const home = join(tmp, "home");
      h.gitEnv = {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, ".config"),
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_AUTHOR_NAME: "Ada Lovelace",
        GIT_AUTHOR_EMAIL: "ada@example.org",
        GIT_COMMITTER_NAME: "Ada Lovelace",
        GIT_COMMITTER_EMAIL: "ada@example.org",
        GIT_AUTHOR_DATE: "2026-11-26T12:00:00Z",
        GIT_COMMITTER_DATE: "2026-11-26T12:00:00Z",
        PATH: `${join(root, "target/debug")}:${process.env.PATH}`,
        NIP_STORE: "kubo",
        NIP_IPFS_API: h.api,
        NIP_HOME: join(tmp, "nip-home"),
        NIP_GATEWAYS: "",
      };
    },
    /** Serves `dir` on 127.0.0.1; returns its origin. */
    serveStatic(dir = dist) {
      const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };
      const server = createServer((req, res) => {
        const path = new URL(req.url, "http://x").pathname.replace(/^\/+/, "") || "index.html";
        const file = join(dir, path);
        if (path.includes("..") || !existsSync(file)) return void res.writeHead(404).end();
        res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
      });
      servers.push(server);
      return new Promise((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${server.address().port}`)));
    },
    /** A gateway in front of Kubo's that flips one byte of every answer
     *  whose path starts with `prefix`. */
    hostile(prefix) {
      const up = new URL(h.gateway);
      const server = createServer((req, res) => {
        const fwd = httpRequest({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: { ...req.headers, host: up.host } }, (r) => {
          const chunks = [];
          r.on("data", (c) => chunks.push(c));
          r.on("end", () => {
            const body = Buffer.concat(chunks);
            if (req.url.startsWith(prefix) && body.length > 0) body[body.length >> 1] ^= 1;
            res.writeHead(r.statusCode, r.headers).end(body);
          });
        });
        fwd.on("error", () => res.writeHead(502).end());
        req.pipe(fwd);
      });
      servers.push(server);
      return new Promise((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${server.address().port}`)));
    },
    async close() {
      for (const s of servers) s.close();
      for (const c of children) c.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  return h;
}

/** A small PNG: a w×h RGB gradient. */
export function png(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = (x * 255) / (w - 1);
      raw[o + 1] = (y * 255) / (h - 1);
      raw[o + 2] = 160;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** `n` bytes of xorshift noise from `seed` (incompressible, deterministic). */
export function noise(n, seed) {
  let x = seed >>> 0 || 1;
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

/** Writes and pushes the synthetic repository; returns { repo, cid }.
 *  With `big`: a directory of 40 × 256 KiB noise files and one 3 MiB
 *  file, so one pack spans many UnixFS leaves. */
export function makeRepo(h, { big = false } = {}) {
  const repo = join(h.tmp, "repo");
  execFileSync("git", ["init", "-q", "-b", "trunk", repo], { env: h.gitEnv });
  const w = (p, data) => {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    writeFileSync(join(repo, p), data);
  };
  w("README.md", ["# orrery", "", "A small model of the solar system, kept in git and read off IPFS.", "", "## Build", "", "    make", "", "## Files", "", "- `src/` the model", "- `assets/` pictures", ""].join("\n"));
  w("src/main.c", Array.from({ length: 40 }, (_, i) => (i === 0 ? "#include <stdio.h>" : i === 2 ? "int main(void) {" : i === 39 ? "}" : `  printf("planet %d\\n", ${i}); /* a line long enough to need a horizontal scroll on a phone-width screen, inside its own box */`)).join("\n") + "\n");
  w("src/orbit/kepler.c", "/* Kepler's equation, solved by Newton's method. */\ndouble kepler(double m, double e) { return m + e; }\n");
  w("src/orbit/deep/er/still.txt", "three levels down\n");
  w("docs/notes & #1 100%.txt", "a name with a space, an ampersand, a hash and a percent sign\nsecond line, no final newline");
  w("assets/logo.png", png(48, 32));
  w("assets/diagram.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>\n');
  w("assets/data.bin", Buffer.concat([Buffer.from([0, 1, 2, 3, 0, 255]), noise(5000, 7)]));
  w("Makefile", "all:\n\tcc -o orrery src/main.c\n");
  if (big) {
    for (let i = 0; i < 40; i++) w(`big/f${String(i).padStart(2, "0")}.bin`, noise(256 << 10, 1000 + i));
    w("big/huge.bin", noise(3 << 20, 99));
  }
  h.git(repo, "add", ".");
  h.git(repo, "commit", "-q", "-m", "First model\n\nThe planets, their orbits and a logo.");
  w("README.md", readFileSync(join(repo, "README.md"), "utf8") + "\n## Licence\n\nMIT or Apache-2.0\n");
  w("src/orbit/moons.c", "int moons(int planet) { return planet == 3; }\n");
  h.git(repo, "add", ".");
  h.git(repo, "commit", "-q", "-m", "Moons, and a licence");
  h.git(repo, "branch", "feature/rings", "HEAD~1");
  h.git(repo, "tag", "v1.0");
  h.git(repo, "remote", "add", "nip", "nip::new-ipfs");
  h.git(repo, "push", "-q", "nip", "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*");
  const address = h.git(repo, "config", "remote.nip.url").trim();
  const cid = /^nip::\/ipfs\/(b[a-z2-7]+)$/.exec(address)?.[1];
  if (!cid) throw new Error(`the push left no nip::/ipfs/<cid> address: ${address}`);
  return { repo, cid };
}

async function main() {
  const { chromium } = await import("playwright-core");
  const h = harness("nip-web-shots-");
  let browser;
  try {
    await h.startKubo();
    const { repo, cid } = makeRepo(h);
    const head = h.git(repo, "rev-parse", "trunk").trim();
    const site = await h.serveStatic();
    browser = await chromium.launch({ executablePath: chromiumBin, args: ["--no-sandbox"] });
    const page = await browser.newPage({ viewport: { width: 820, height: 640 }, deviceScaleFactor: 1, colorScheme: "light" });
    const out = join(root, "docs/web");
    mkdirSync(out, { recursive: true });
    const at = `${site}/index.html?gateway=${encodeURIComponent(h.gateway)}#/ipfs/${cid}`;
    const shots = [
      ["home.png", at, "#head .subject"],
      ["tree.png", `${at}/tree/trunk/src/`, "#tree"],
      ["file.png", `${at}/blob/trunk/src/main.c?line=3`, "#lines"],
      ["log.png", `${at}/log/trunk`, "#log li"],
      ["commit.png", `${at}/commit/${head}`, "#files"],
      ["history.png", `${at}/history`, "#history li[data-cid]"],
    ];
    for (const [name, url, wait] of shots) {
      await page.goto(url);
      await page.waitForSelector(`${wait}, #error`, { timeout: 30_000 });
      if (await page.locator("#error").count()) throw new Error(`${name}: ${await page.locator("#error").textContent()}`);
      // The status line counts blocks, which depends on the cache: hide
      // nothing, but wait for it to settle.
      await page.waitForFunction(() => /checked against its CID/.test(document.getElementById("status")?.textContent ?? ""));
      await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
      // The gateway's random port, as the usual local one (the only
      // difference between two runs).
      await page.evaluate((gw) => {
        const s = document.getElementById("status");
        s.textContent = s.textContent.replace(gw, "http://127.0.0.1:8080");
      }, h.gateway);
      await page.screenshot({ path: join(out, name) });
      console.log(`docs/web/${name}: ${statSync(join(out, name)).size} bytes`);
    }
  } finally {
    await browser?.close();
    await h.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
