package dev.modelyard.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.api.errors.InstantFields;
import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.infra.security.ApiKeyStore;
import dev.modelyard.infra.security.NewApiKey;
import dev.modelyard.infra.security.StoredApiKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys for the request path: a key is hashed and looked up in memory; only a key not seen
 * lately reaches PostgreSQL. Unknown hashes are remembered too, so a stream of made-up keys cannot
 * turn into a stream of queries, and each address may have only so many keys found unknown per
 * minute ({@link FailedKeyLookups}), so neither can a stream of new made-up keys. Every replica
 * drops a changed key from its cache when PostgreSQL notifies the change ({@link #changed}), so a
 * revocation holds everywhere within moments. In case a notification was missed while nobody
 * listened, a key in use is looked up again in the background once its entry is {@link
 * #REFRESH_AFTER} old, its requests meanwhile served from the entry (when the lookup was a
 * request's own, that key's concurrent requests waited for it every five minutes), and an entry is
 * dropped {@link #CACHE_TTL} after its last lookup that PostgreSQL answered: a replica cut off from
 * PostgreSQL, which may have revoked a key through another, stops trusting what it knew by then.
 */
final class ApiKeys {

  static final Duration REFRESH_AFTER = Duration.ofMinutes(1);
  static final Duration CACHE_TTL = Duration.ofMinutes(5);
  static final long CACHE_SIZE = 10_000;

  private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
  private static final Executor RELOADS =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("api-key-lookup").factory());

  private final ApiKeyStore store;
  private final LastUsedRecorder lastUsed;
  private final FailedKeyLookups failedLookups;
  private final Clock clock;
  private final Ticker ticker;
  private final LoadingCache<String, StoreAnswer> byHash;
  private final AtomicBoolean lookupsFailing = new AtomicBoolean();
  // Keys this replica found before: looked up whatever their address did, so that a client making
  // up keys behind the same NAT or proxy does not shut out the others' keys when their cache
  // entries expire. It only lets a lookup happen; the lookup decides.
  private final Cache<String, Boolean> validBefore =
      Caffeine.newBuilder().maximumSize(CACHE_SIZE).expireAfterAccess(Duration.ofDays(7)).build();

  /**
   * @param clock when a key is active (its expiry)
   * @param ticker the age of cached entries
   */
  ApiKeys(
      ApiKeyStore store,
      LastUsedRecorder lastUsed,
      FailedKeyLookups failedLookups,
      Clock clock,
      Ticker ticker) {
    this.store = store;
    this.lastUsed = lastUsed;
    this.failedLookups = failedLookups;
    this.clock = clock;
    this.ticker = ticker;
    this.byHash =
        Caffeine.newBuilder()
            .maximumSize(CACHE_SIZE)
            .refreshAfterWrite(REFRESH_AFTER)
            .expireAfter(new UntilLookupStale())
            .ticker(ticker)
            .build(new StoreLookups());
  }

  /**
   * The caller a presented key stands for, if it is known, not revoked and not expired.
   *
   * @param clientAddress where the key came from; null if not known
   * @throws KeyLookupsRefusedException the key is neither cached nor found before by this replica,
   *     and its address has had its share of unknown keys this minute
   */
  Optional<CallerAuthentication> authenticate(String presentedKey, String clientAddress) {
    Instant now = clock.instant();
    String hash = ApiKeySecrets.hash(presentedKey);
    StoreAnswer found = byHash.getIfPresent(hash);
    if (found == null && validBefore.getIfPresent(hash) != null) {
      found = byHash.get(hash);
    } else if (found == null) {
      FailedKeyLookups.Lookup lookup = failedLookups.begin(clientAddress, now);
      try {
        found = byHash.get(hash);
      } catch (RuntimeException storeAway) {
        failedLookups.found(lookup); // not the caller's guess: PostgreSQL did not answer
        throw storeAway;
      }
      if (found.key().isPresent()) {
        failedLookups.found(lookup);
        validBefore.put(hash, Boolean.TRUE);
      }
    }
    Optional<KnownKey> known = found.key().filter(k -> k.stored().activeAt(now));
    known.ifPresent(k -> lastUsed.used(k.stored().keyId(), now));
    return known.map(KnownKey::authentication);
  }

  CreatedKey create(KeyRequest request) {
    if (request.expiresAt() != null && !request.expiresAt().isAfter(clock.instant())) {
      throw new InvalidFieldException("expires_at", "expires_at must be in the future");
    }
    InstantFields.within("expires_at", request.expiresAt());
    if (request.name().equals(KeyRequest.fromEnvironment().name())) {
      // Keys of this name are the variable's: the next start would revoke this one.
      throw new InvalidFieldException(
          "name", request.name() + " names the key of that variable; choose another name");
    }
    String key = ApiKeySecrets.generate();
    StoredApiKey stored = store.create(newKey(key, request));
    return new CreatedKey(key, KeyView.of(stored));
  }

  List<KeyView> list() {
    return store.list().stream().map(KeyView::of).toList();
  }

  Optional<KeyView> revoke(String keyId) {
    Optional<StoredApiKey> revoked = store.revoke(keyId, clock.instant());
    // This replica forgets it at once; the others when PostgreSQL's notification reaches them.
    revoked.ifPresent(key -> byHash.invalidate(key.keyHash()));
    return revoked.map(KeyView::of);
  }

  /**
   * Stores a key given from outside (MODELYARD_ADMIN_KEY) unless it is stored already, and revokes
   * the keys given that way before it: changing the variable is how an operator retires the old
   * key, which would otherwise stay valid until revoked by hand. Answers the keys revoked.
   */
  List<KeyView> ensure(String key, KeyRequest request) {
    store.createIfAbsent(newKey(key, request));
    String hash = ApiKeySecrets.hash(key);
    return store.list().stream()
        .filter(k -> k.name().equals(request.name()) && k.revokedAt() == null)
        .filter(k -> !k.keyHash().equals(hash))
        .flatMap(k -> revoke(k.keyId()).stream())
        .toList();
  }

  /** Whether some key, not revoked nor expired, holds the admin role. */
  boolean anyActiveAdmin() {
    Instant now = clock.instant();
    return store.list().stream()
        .anyMatch(k -> k.activeAt(now) && k.roles().contains(Role.ADMIN.wireName()));
  }

  /** Creates an admin key when there is no key at all, answering it: shown once, never again. */
  Optional<String> createFirstAdminKey() {
    String key = ApiKeySecrets.generate();
    return store.createIfNone(newKey(key, KeyRequest.firstAdmin()))
        ? Optional.of(key)
        : Optional.empty();
  }

  /** A key changed in PostgreSQL; null: any may have. */
  void changed(String keyHash) {
    if (keyHash == null) {
      byHash.invalidateAll();
    } else {
      byHash.invalidate(keyHash);
    }
  }

  /** When this hash's cached entry was looked up, in the ticker's time; -1 when none is cached. */
  long lookedUpAt(String hash) {
    StoreAnswer answer = byHash.policy().getIfPresentQuietly(hash);
    return answer == null ? -1 : answer.askedAt();
  }

  private NewApiKey newKey(String key, KeyRequest request) {
    return new NewApiKey(
        request.name(),
        ApiKeySecrets.shownPrefix(key),
        ApiKeySecrets.hash(key),
        request.roles().stream().sorted(Comparator.reverseOrder()).map(Role::wireName).toList(),
        request.rateLimitRequests(),
        request.monthlyBudgetUsd(),
        request.expiresAt());
  }

  /** What PostgreSQL answered for a hash, and when it was asked (the ticker's nanoseconds). */
  private record StoreAnswer(Optional<KnownKey> key, long askedAt) {

    long nanosLeft(long now) {
      return Math.max(0, CACHE_TTL.toNanos() - (now - askedAt));
    }
  }

  private final class StoreLookups implements CacheLoader<String, StoreAnswer> {

    @Override
    public StoreAnswer load(String hash) {
      long askedAt = ticker.read();
      return new StoreAnswer(store.findByHash(hash).map(KnownKey::of), askedAt);
    }

    /**
     * On a virtual thread of its own rather than Caffeine's executor, the common pool: it has one
     * thread on a 2-core machine, and this waits on PostgreSQL. An unknown hash is not looked up
     * again: its entry expires as it did, and a new lookup then counts against {@link
     * FailedKeyLookups}, which a lookup in the background would pass by (a client cycling through
     * made-up keys it had sent once would have had them all looked up every minute).
     */
    @Override
    public CompletableFuture<StoreAnswer> asyncReload(
        String hash, StoreAnswer before, Executor executor) {
      if (before.key().isEmpty()) {
        return CompletableFuture.completedFuture(before);
      }
      return CompletableFuture.supplyAsync(() -> lookUpAgain(hash, before), RELOADS);
    }

    /**
     * A failed lookup keeps the entry as it was, with the time of its last answered lookup, and is
     * tried again a {@link #REFRESH_AFTER} later: not by each next request, as a failed refresh
     * would be, nor with a warning each.
     */
    private StoreAnswer lookUpAgain(String hash, StoreAnswer before) {
      try {
        StoreAnswer answered = load(hash);
        if (lookupsFailing.compareAndSet(true, false)) {
          log.info("API keys in use are looked up in PostgreSQL again");
        }
        return answered;
      } catch (RuntimeException e) {
        if (lookupsFailing.compareAndSet(false, true)) {
          log.warn(
              "API keys in use cannot be looked up again ({}); each is trusted for {} after its"
                  + " last lookup",
              e.getMessage(),
              CACHE_TTL);
        }
        return new StoreAnswer(before.key(), before.askedAt());
      }
    }
  }

  /** An entry lives {@link #CACHE_TTL} from its lookup, however often its value is written. */
  private static final class UntilLookupStale implements Expiry<String, StoreAnswer> {

    @Override
    public long expireAfterCreate(String hash, StoreAnswer lookup, long now) {
      return lookup.nanosLeft(now);
    }

    @Override
    public long expireAfterUpdate(String hash, StoreAnswer lookup, long now, long nanosLeft) {
      return lookup.nanosLeft(now);
    }

    @Override
    public long expireAfterRead(String hash, StoreAnswer lookup, long now, long nanosLeft) {
      return nanosLeft;
    }
  }

  /**
   * A stored key with its authentication worked out once, when it is looked up, rather than on
   * every request it makes. The authentication is immutable and holds no credential, so requests
   * share it.
   */
  private record KnownKey(StoredApiKey stored, CallerAuthentication authentication) {

    static KnownKey of(StoredApiKey key) {
      Set<Role> roles = EnumSet.noneOf(Role.class);
      key.roles().forEach(name -> Role.fromWireName(name).ifPresent(roles::add));
      Caller caller =
          new Caller(
              "key:" + key.keyId(),
              key.name(),
              roles,
              key.rateLimitRequests(),
              key.monthlyBudgetUsd());
      return new KnownKey(key, new CallerAuthentication(caller));
    }
  }
}
