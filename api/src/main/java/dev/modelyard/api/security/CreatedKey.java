package dev.modelyard.api.security;

/** The answer to a key's creation: the only time the key itself is shown. */
record CreatedKey(String key, KeyView details) {}
