/** What the figures were measured on: they mean nothing without it. */
import { cpus, totalmem, availableParallelism, platform, release } from 'node:os';

export function machineDescription(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${cpu}, ${availableParallelism()} cores, ${gib} GiB, ${platform()} ${release()}, Node ${process.version}, OpenSSL ${process.versions.openssl}`;
}
