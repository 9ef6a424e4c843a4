/**
 * `POST /v1/keys`: evaluation keys checked (structure without SEAL, then one load in SEAL),
 * identified by their canonical id, and stored within the token's key quota.
 *
 * @module
 */
import type { KeysResponse } from "../protocol/api.ts";
import { canonicalKeyBytes, canonicalKeyId } from "./key_store.ts";
import type { ServiceParts } from "./parts.ts";
import type { Principal } from "./tokens.ts";

/**
 * `POST /v1/keys`: checks the keys' structure, computes their canonical id, loads them in SEAL
 * once (under the limiter, the deadline and the heap budget) to check them, and stores them
 * within the token's key quota.
 */
export async function registerKeys(
  s: ServiceParts,
  p: Principal,
  bytes: Uint8Array,
): Promise<KeysResponse> {
  const plan = s.planOf(bytes);
  return await s.bounded(async (signal) => {
    const blobs = await plan.decodeKeys(bytes, s.maxKeyBytes);
    const id = await canonicalKeyId(plan.spec.hash, blobs);
    // The quota counts the keys themselves, not how the envelope spelled them.
    const size = canonicalKeyBytes(blobs);
    let expires = await s.keyStore.expires(id);
    let created = false;
    if (expires === null) {
      signal.throwIfAborted();
      const release = s.reserveHeap(plan.keysHeapBytes(), "loading keys");
      try {
        using _keys = plan.loadKeys(blobs);
      } finally {
        release();
      }
      signal.throwIfAborted();
      // Within the token's quota before anything is written.
      await s.quotas.addKeys(p, id, size, Date.now() + s.limits.keyTtlMs);
      ({ created, expires } = await s.keyStore.put(id, plan.spec.hash, bytes));
    } else await s.quotas.addKeys(p, id, size, expires);
    return {
      key_id: id,
      plan: plan.name,
      created,
      bytes: bytes.length,
      expires_in_seconds: Math.max(0, Math.round((expires - Date.now()) / 1000)),
    };
  });
}
