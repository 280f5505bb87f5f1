package io.caracal.core.store;

import java.util.Map;

/** An in-process cache of the request path that reports its figures, by the names {@code /stats} shows. */
public interface MeasuredCache {
    Map<String, CacheStats> cacheStats();
}
