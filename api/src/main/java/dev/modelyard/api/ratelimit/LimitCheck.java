package dev.modelyard.api.ratelimit;

/**
 * One limit's verdict on one request. {@code resetAfterMicros}: until the whole budget is back;
 * {@code retryAfterMicros}: until a refused request would be allowed (0 when allowed).
 */
record LimitCheck(boolean allowed, long remaining, long resetAfterMicros, long retryAfterMicros) {}
