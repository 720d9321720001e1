// RFC 8785 canonical JSON (the `canonicalize` package), typed for ESM: its CommonJS export is the function.
import canonicalizeModule from 'canonicalize';

const canonicalizeFn = canonicalizeModule as unknown as (value: unknown) => string | undefined;

export function canonicalJson(value: unknown): string {
  const text = canonicalizeFn(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}
