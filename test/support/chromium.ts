/**
 * Debian's Chromium for the end-to-end tests: found at /usr/bin/chromium, or installed with apt-get when the tests
 * run as root (CI containers), or a clear failure saying how to install it. The tests drive it with playwright-core,
 * which ships no browser of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export class ChromiumMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChromiumMissingError';
  }
}

function found(): string | undefined {
  const fromEnv = process.env.PARLEY_CHROMIUM;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CHROMIUM_PATHS.find((p) => existsSync(p));
}

function aptInstall(): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { env, stdio: 'pipe', timeout: 600_000 });
  try {
    install();
  } catch {
    // An image without package lists cannot find the package until they are fetched.
    execFileSync('apt-get', ['update'], { env, stdio: 'pipe', timeout: 300_000 });
    install();
  }
}

/** The path of a Chromium executable, installing Debian's package first when possible. */
export function provisionChromium(): string {
  const present = found();
  if (present) return present;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root) {
    try {
      aptInstall();
    } catch (e) {
      throw new ChromiumMissingError(`installing Chromium with apt-get failed (${(e as Error).message.split('\n')[0]}); install it yourself: apt-get install -y chromium`);
    }
    const installed = found();
    if (installed) return installed;
  }
  throw new ChromiumMissingError('the console tests need Debian\'s Chromium at /usr/bin/chromium: run `sudo apt-get install -y chromium` (or set PARLEY_CHROMIUM to a Chromium executable)');
}

/**
 * Flags for a quiet, sandbox-free Chromium in a container: no network beyond the page's own. (Headless and the fresh
 * --user-data-dir are given by playwright-core's launchPersistentContext, which refuses them in `args`.)
 */
export function chromiumArgs(): string[] {
  return ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'];
}
