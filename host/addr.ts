/** `host:port` / `[v6]:port` parsing for listen specs. Throws with a one-line reason. */
export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(spec: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(spec.trim());
  if (!m) throw new AddressError(`expected host:port or [ipv6]:port, got "${spec}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new AddressError(`port ${port} is out of range 0-65535 in "${spec}"`);
  return { host: (m[1] ?? m[2])!, port };
}

export class AddressError extends Error {}
