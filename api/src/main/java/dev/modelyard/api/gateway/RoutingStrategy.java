package dev.modelyard.api.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * How one model's requests are spread over its instances. Each strategy orders all the candidates:
 * the first is tried first, the rest are the failover order.
 */
enum RoutingStrategy {
  /** Each instance in turn. */
  ROUND_ROBIN {
    @Override
    List<Candidate> order(List<Candidate> candidates, Turn turn) {
      return rotated(candidates, turn.rotation());
    }
  },
  /** At random in proportion to each instance's routing weight; weight 0 only as a last resort. */
  WEIGHTED {
    @Override
    List<Candidate> order(List<Candidate> candidates, Turn turn) {
      return weightedOrder(candidates, c -> c.instance().routingWeight(), turn.random());
    }
  },
  /** The instance with the fewest calls in flight from this process; ties in turn. */
  LEAST_OUTSTANDING {
    @Override
    List<Candidate> order(List<Candidate> candidates, Turn turn) {
      return sortedFairly(candidates, Comparator.comparingInt(c -> c.load().inFlight()), turn);
    }
  },
  /**
   * The instance with the lowest latency average; one with no measurement yet goes first, so that
   * every instance gets measured.
   */
  LOWEST_LATENCY {
    @Override
    List<Candidate> order(List<Candidate> candidates, Turn turn) {
      return sortedFairly(
          candidates,
          Comparator.comparingDouble(
              c -> Double.isNaN(c.load().latencyMillis()) ? -1 : c.load().latencyMillis()),
          turn);
    }
  },
  /**
   * At random in proportion to health score, so that a busy instance, whose score drops, gets less
   * traffic without being dropped.
   */
  HEALTH_SCORE_WEIGHTED {
    @Override
    List<Candidate> order(List<Candidate> candidates, Turn turn) {
      return weightedOrder(candidates, c -> c.instance().healthScore(), turn.random());
    }
  },
  /**
   * Rendezvous hashing on the conversation's prefix: one prefix goes to the same instance, which
   * holds it in its KV cache, and adding or removing an instance moves only the prefixes it gains
   * or held.
   */
  PREFIX_AFFINITY {
    @Override
    List<Candidate> order(List<Candidate> candidates, Turn turn) {
      List<Candidate> ordered = new ArrayList<>(candidates);
      ordered.sort(
          Comparator.comparingLong((Candidate c) -> mix(turn.prefixHash() ^ c.id().hashCode()))
              .reversed());
      return ordered;
    }
  };

  abstract List<Candidate> order(List<Candidate> candidates, Turn turn);

  /** The strategy's name as the API and the registry write it. */
  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<RoutingStrategy> fromWireName(String name) {
    for (RoutingStrategy strategy : values()) {
      if (strategy.wireName().equals(name)) {
        return Optional.of(strategy);
      }
    }
    return Optional.empty();
  }

  /**
   * What varies from one request to the next: a turn counter, the request's prefix hash, and a
   * source of randomness (seeded in tests).
   */
  record Turn(long rotation, long prefixHash, RandomGenerator random) {}

  private static List<Candidate> rotated(List<Candidate> candidates, long rotation) {
    int start = (int) Math.floorMod(rotation, (long) candidates.size());
    List<Candidate> ordered = new ArrayList<>(candidates.subList(start, candidates.size()));
    ordered.addAll(candidates.subList(0, start));
    return ordered;
  }

  /** Sorted by {@code comparator}, with equal candidates in turn so ties spread the load. */
  private static List<Candidate> sortedFairly(
      List<Candidate> candidates, Comparator<Candidate> comparator, Turn turn) {
    List<Candidate> ordered = rotated(candidates, turn.rotation());
    ordered.sort(comparator);
    return ordered;
  }

  /** Weighted sampling without replacement; zero weights follow the rest in their given order. */
  private static List<Candidate> weightedOrder(
      List<Candidate> candidates, ToDoubleFunction<Candidate> weight, RandomGenerator random) {
    List<Candidate> left = new ArrayList<>();
    List<Candidate> weightless = new ArrayList<>();
    for (Candidate c : candidates) {
      (weight.applyAsDouble(c) > 0 ? left : weightless).add(c);
    }
    List<Candidate> ordered = new ArrayList<>(candidates.size());
    while (!left.isEmpty()) {
      double total = left.stream().mapToDouble(weight).sum();
      double pick = random.nextDouble(total);
      int i = 0;
      for (double seen = weight.applyAsDouble(left.get(0));
          seen <= pick && i < left.size() - 1;
          seen += weight.applyAsDouble(left.get(++i))) {}
      ordered.add(left.remove(i));
    }
    ordered.addAll(weightless);
    return ordered;
  }

  /** A 64-bit finaliser (from SplitMix64), so that similar inputs give unrelated scores. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
