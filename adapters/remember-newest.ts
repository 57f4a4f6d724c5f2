// A size-bounded memory for surfaces (uploads per message, names, delivery keys): the newest entries win.

/** Sets key as the newest entry of an insertion-ordered map, forgetting the oldest entries past capacity. */
export function rememberNewest<V>(map: Map<string, V>, key: string, value: V, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > capacity) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}
