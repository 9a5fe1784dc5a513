package dev.elbow.dataplane.routing;

import java.util.Map;

/**
 * Lower-case host names to values, looked up by any CharSequence ignoring ASCII case, without
 * building a string: open addressing over the names' hashes.
 */
final class HostTable<V> {

  private final String[] keys;
  private final Object[] values;
  private final int mask;

  HostTable(Map<String, V> entries) {
    int size = Integer.highestOneBit(Math.max(4, entries.size() * 2 - 1)) << 1;
    keys = new String[size];
    values = new Object[size];
    mask = size - 1;
    entries.forEach(
        (key, value) -> {
          int i = key.hashCode() & mask;
          while (keys[i] != null) {
            i = (i + 1) & mask;
          }
          keys[i] = key;
          values[i] = value;
        });
  }

  @SuppressWarnings("unchecked")
  V get(CharSequence name) {
    int i = Chars.lowerHash(name) & mask;
    while (keys[i] != null) {
      if (Chars.equalsIgnoreCase(name, keys[i])) {
        return (V) values[i];
      }
      i = (i + 1) & mask;
    }
    return null;
  }
}
