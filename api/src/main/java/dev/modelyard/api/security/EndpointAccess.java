package dev.modelyard.api.security;

import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.POST;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Who may call what: the one table that the security filter chain enforces, the access test walks
 * and the README prints. Rules are tried in order and the first that matches decides; paths are
 * prefixes, so that an endpoint added later is covered by its family's rule (reads under {@code
 * /api/v1/local-llm} by viewers, changes by operators) and anything outside every family needs an
 * admin.
 */
public final class EndpointAccess {

  /**
   * @param method null: every method
   * @param required the least role allowed (the roles above it are too); null: anyone, with no
   *     credentials at all
   */
  public record Rule(HttpMethod method, String pattern, Role required) {

    PathPattern pathPattern() {
      return PATTERNS.computeIfAbsent(pattern, PathPatternParser.defaultInstance::parse);
    }

    /**
     * The methods it covers; one null: every method. A GET rule covers HEAD too, which MVC and the
     * actuator answer wherever they answer GET.
     */
    List<HttpMethod> methods() {
      return method == GET ? List.of(GET, HttpMethod.HEAD) : Collections.singletonList(method);
    }

    boolean matches(String method, String path) {
      boolean covered = false;
      for (HttpMethod each : methods()) {
        covered |= each == null || each.matches(method);
      }
      return covered && pathPattern().matches(PathContainer.parsePath(path));
    }

    /** Who is allowed, most powerful first, or "anyone". */
    public String allowed() {
      return required == null
          ? "anyone (no credentials)"
          : required.andAbove().stream()
              .sorted(Comparator.reverseOrder())
              .map(Role::wireName)
              .collect(Collectors.joining(", "));
    }
  }

  /** An endpoint as the README lists it: its method and path pattern. */
  public record Endpoint(String method, String path) {}

  private static final String NATIVE = "/api/v1/local-llm";

  // Parsed once: every request is matched against these.
  private static final Map<String, PathPattern> PATTERNS = new ConcurrentHashMap<>();

  /** Rules already decided, by method and path: every request asks, twice. */
  private static final Map<String, Rule> DECIDED = new ConcurrentHashMap<>();

  private static final int MAX_DECIDED = 1_024;

  static final List<Rule> RULES =
      List.of(
          new Rule(GET, "/actuator/health/**", null),
          new Rule(GET, "/actuator/**", Role.VIEWER),
          new Rule(GET, "/v3/api-docs/**", Role.VIEWER),
          new Rule(GET, "/v3/api-docs.yaml", Role.VIEWER),
          new Rule(null, NATIVE + "/keys/**", Role.ADMIN),
          new Rule(null, NATIVE + "/audit/**", Role.ADMIN),
          new Rule(POST, NATIVE + "/generate", Role.USER),
          new Rule(null, "/v1/**", Role.USER),
          new Rule(GET, NATIVE + "/**", Role.VIEWER),
          new Rule(null, NATIVE + "/**", Role.OPERATOR));

  /** What no rule matches. */
  static final Rule EVERYTHING_ELSE = new Rule(null, "/**", Role.ADMIN);

  private EndpointAccess() {}

  public static List<Rule> rules() {
    return RULES;
  }

  /** The rule deciding a request with this method and path (a path within the application). */
  public static Rule ruleFor(String method, String path) {
    String request = method + ' ' + path;
    Rule known = DECIDED.get(request);
    if (known != null) {
      return known;
    }
    Rule rule =
        RULES.stream()
            .filter(candidate -> candidate.matches(method, path))
            .findFirst()
            .orElse(EVERYTHING_ELSE);
    // Paths are the client's to choose: remember only so many, the hot ones come first anyway.
    if (DECIDED.size() < MAX_DECIDED) {
      DECIDED.put(request, rule);
    }
    return rule;
  }

  /** Whether a caller with these roles may call the endpoint; no roles: without credentials. */
  public static boolean allows(Rule rule, Set<Role> roles) {
    return rule.required() == null
        || roles.stream().anyMatch(role -> role.granted().contains(rule.required()));
  }

  /** The README's table: each endpoint and the roles allowed to call it. */
  public static String markdown(Collection<Endpoint> endpoints) {
    StringBuilder table = new StringBuilder("| Endpoint | Roles allowed |\n|---|---|\n");
    endpoints.stream()
        .sorted(Comparator.comparing(Endpoint::path).thenComparing(Endpoint::method))
        .forEach(
            endpoint ->
                table
                    .append("| `")
                    .append(endpoint.method())
                    .append(' ')
                    .append(endpoint.path())
                    .append("` | ")
                    .append(ruleFor(endpoint.method(), endpoint.path()).allowed())
                    .append(" |\n"));
    return table.toString();
  }
}
