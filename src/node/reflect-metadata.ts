/**
 * The part of the Reflect metadata API that @peculiar/x509's dependency injection (tsyringe) calls at import time:
 * without it, importing @peculiar/x509 throws. A few lines here instead of one more dependency; a real polyfill
 * (reflect-metadata), if one is loaded first, is left in place. Import this module before @peculiar/x509.
 */
type MetadataKey = unknown;
type Target = object;

const metadata = new WeakMap<Target, Map<PropertyKey | undefined, Map<MetadataKey, unknown>>>();

function ownMap(target: Target, property: PropertyKey | undefined, create: boolean): Map<MetadataKey, unknown> | undefined {
  let byProperty = metadata.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    metadata.set(target, byProperty);
  }
  let map = byProperty.get(property);
  if (!map && create) {
    map = new Map();
    byProperty.set(property, map);
  }
  return map;
}

const api = {
  defineMetadata(key: MetadataKey, value: unknown, target: Target, property?: PropertyKey): void {
    ownMap(target, property, true)!.set(key, value);
  },
  hasOwnMetadata(key: MetadataKey, target: Target, property?: PropertyKey): boolean {
    return ownMap(target, property, false)?.has(key) ?? false;
  },
  getOwnMetadata(key: MetadataKey, target: Target, property?: PropertyKey): unknown {
    return ownMap(target, property, false)?.get(key);
  },
  /** Own metadata, else the prototype chain's, as reflect-metadata does. */
  getMetadata(key: MetadataKey, target: Target, property?: PropertyKey): unknown {
    for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
      const map = ownMap(t, property, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  },
  hasMetadata(key: MetadataKey, target: Target, property?: PropertyKey): boolean {
    for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
      if (ownMap(t, property, false)?.has(key)) return true;
    }
    return false;
  },
  metadata(key: MetadataKey, value: unknown) {
    return (target: Target, property?: PropertyKey): void => api.defineMetadata(key, value, target, property);
  },
};

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  for (const [name, fn] of Object.entries(api)) reflect[name] = fn;
}

export {};
