package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestNamespace;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Walks every endpoint the API serves with no credentials, an expired token, a token signed with
 * another secret, and an API key and a token of each role, and checks each answer against {@link
 * EndpointAccess}: 401 without a valid credential, 403 for a role the rule does not allow, and for
 * an allowed one neither (the endpoint then answers on its own terms: 2xx, or 4xx for the test's
 * empty body or made-up ID, never a 500).
 */
class EndpointAccessOverHttpTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NAMESPACE = "modelyard-security-access-" + RUN;

  /** Served by Spring Boot's actuator, outside the controllers' handler mapping. */
  private static final List<EndpointAccess.Endpoint> ACTUATOR =
      List.of(
          new EndpointAccess.Endpoint("GET", "/actuator/health"),
          new EndpointAccess.Endpoint("GET", "/actuator/health/liveness"),
          new EndpointAccess.Endpoint("GET", "/actuator/health/readiness"),
          new EndpointAccess.Endpoint("GET", "/actuator/info"),
          new EndpointAccess.Endpoint("GET", "/actuator/prometheus"));

  private static SecuredApi api;
  private static final Map<String, Credential> callers = new LinkedHashMap<>();

  record Credential(String name, Set<Role> roles, String[] headers, boolean valid) {}

  @BeforeAll
  static void start() throws Exception {
    TestNamespace.create(NAMESPACE);
    api = SecuredApi.start("security_access_" + RUN, NAMESPACE);
    Instant hour = Instant.now().plusSeconds(3_600);
    add(new Credential("no credentials", Set.of(), new String[0], false));
    add(
        token(
            "expired token",
            SecuredApi.jwt(
                "someone",
                List.of("admin"),
                Instant.now().minusSeconds(3_600),
                SecuredApi.SECRET_KEY),
            Set.of(),
            false));
    add(
        token(
            "token signed with another secret",
            SecuredApi.jwt(
                "someone", List.of("admin"), hour, "another-secret-of-at-least-32-characters!!"),
            Set.of(),
            false));
    add(token("unknown API key", "my-" + "x".repeat(43), Set.of(), false));
    for (Role role : Role.values()) {
      add(
          token(
              role.wireName() + " API key",
              api.keyWithRoles("access-" + role.wireName(), role),
              Set.of(role),
              true));
      add(
          token(
              role.wireName() + " token",
              SecuredApi.jwt(
                  "person-" + role.wireName(),
                  List.of(role.wireName()),
                  hour,
                  SecuredApi.SECRET_KEY),
              Set.of(role),
              true));
    }
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    TestNamespace.delete(NAMESPACE);
  }

  @Test
  void everyEndpointAnswersEachCallerAsTheAccessTableSays() throws Exception {
    List<EndpointAccess.Endpoint> endpoints = endpoints();
    SoftAssertions softly = new SoftAssertions();
    List<String> report = new ArrayList<>();
    for (EndpointAccess.Endpoint endpoint : endpoints) {
      EndpointAccess.Rule rule = EndpointAccess.ruleFor(endpoint.method(), endpoint.path());
      StringBuilder line = new StringBuilder(endpoint.method() + " " + endpoint.path() + ":");
      for (Credential caller : callers.values()) {
        HttpResponse<String> response = call(endpoint, caller);
        int status = response.statusCode();
        line.append(' ').append(status);
        String what = endpoint.method() + " " + endpoint.path() + " as " + caller.name();
        if (rule.required() == null) {
          softly.assertThat(status).as(what + ": " + response.body()).isEqualTo(200);
        } else if (!caller.valid()) {
          softly.assertThat(status).as(what).isEqualTo(401);
          softly
              .assertThat(response.headers().firstValue("WWW-Authenticate"))
              .as(what)
              .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        } else if (EndpointAccess.allows(rule, caller.roles())) {
          softly.assertThat(status).as(what + ": " + response.body()).isNotIn(401, 403, 500);
        } else {
          softly.assertThat(status).as(what + ": " + response.body()).isEqualTo(403);
        }
      }
      report.add(line.toString());
    }
    System.out.println("Statuses per caller " + callers.keySet() + ":");
    report.forEach(System.out::println);
    System.out.println(EndpointAccess.markdown(endpoints));
    softly.assertAll();
  }

  /** MVC and the actuator answer HEAD wherever they answer GET: so do the access rules. */
  @Test
  void aHeadRequestIsAllowedWhereItsGetIs() throws Exception {
    Credential viewer = callers.get("viewer API key");
    Credential nobody = new Credential("nobody", Set.of(), new String[0], false);

    assertThat(call(new EndpointAccess.Endpoint("HEAD", "/actuator/health"), nobody).statusCode())
        .isEqualTo(200);
    assertThat(
            call(new EndpointAccess.Endpoint("HEAD", "/api/v1/local-llm/models"), viewer)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            call(new EndpointAccess.Endpoint("HEAD", "/api/v1/local-llm/models"), nobody)
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void everyControllerEndpointFallsUnderARuleOfItsFamily() {
    assertThat(endpoints())
        .filteredOn(
            endpoint ->
                EndpointAccess.ruleFor(endpoint.method(), endpoint.path())
                    == EndpointAccess.EVERYTHING_ELSE)
        .as("endpoints that only the admin-only catch-all covers")
        .isEmpty();
  }

  /** Every mapped controller endpoint (the error page aside) and the actuator's. */
  private static List<EndpointAccess.Endpoint> endpoints() {
    RequestMappingHandlerMapping mapping =
        api.bean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
    Set<EndpointAccess.Endpoint> endpoints =
        new TreeSet<>(
            java.util.Comparator.comparing(EndpointAccess.Endpoint::path)
                .thenComparing(EndpointAccess.Endpoint::method));
    for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
      Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
      for (String path : info.getPatternValues()) {
        if (path.equals("/error")) {
          continue;
        }
        for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
          endpoints.add(new EndpointAccess.Endpoint(method.name(), path));
        }
      }
    }
    endpoints.addAll(ACTUATOR);
    return List.copyOf(endpoints);
  }

  private static HttpResponse<String> call(EndpointAccess.Endpoint endpoint, Credential caller)
      throws Exception {
    String path = endpoint.path().replaceAll("\\{[^}]+}", "no-such-" + RUN);
    String body =
        switch (endpoint.method()) {
          case "POST", "PUT", "PATCH" -> "{}";
          default -> null;
        };
    return api.send(endpoint.method(), path, body, caller.headers());
  }

  private static void add(Credential credential) {
    callers.put(credential.name(), credential);
  }

  private static Credential token(String name, String token, Set<Role> roles, boolean valid) {
    return new Credential(
        name, roles, new String[] {"Authorization", SecuredApi.bearer(token)}, valid);
  }
}
