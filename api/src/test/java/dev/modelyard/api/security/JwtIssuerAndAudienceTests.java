package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.modelyard.testing.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With MODELYARD_JWT_ISSUER and MODELYARD_JWT_AUDIENCE set, a token must name both: one issued by
 * the same identity provider for another application is refused. HS256 tokens here; the check is
 * the same for tokens checked against a JWKS.
 */
class JwtIssuerAndAudienceTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NAMESPACE = "modelyard-security-jwt-" + RUN;
  private static final String ISSUER = "https://id.example.test/realms/platform";
  private static final String AUDIENCE = "modelyard";

  private static SecuredApi api;

  @BeforeAll
  static void start() {
    TestNamespace.create(NAMESPACE);
    api =
        SecuredApi.start(
            "security_jwt_" + RUN,
            NAMESPACE,
            "modelyard.security.jwt-issuer=" + ISSUER,
            "modelyard.security.jwt-audience=" + AUDIENCE);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    TestNamespace.delete(NAMESPACE);
  }

  @Test
  void aTokenMustNameTheIssuerAndTheAudience() throws Exception {
    assertThat(status(token(ISSUER, List.of("grafana", AUDIENCE)))).isEqualTo(200);
    assertThat(status(token(ISSUER, List.of(AUDIENCE)))).as("aud as one string").isEqualTo(200);
    assertThat(status(token(ISSUER, List.of("grafana"))))
        .as("for another application")
        .isEqualTo(401);
    assertThat(status(token("https://elsewhere.test", List.of(AUDIENCE))))
        .as("from another issuer")
        .isEqualTo(401);
    assertThat(status(token(null, List.of(AUDIENCE)))).as("with no issuer").isEqualTo(401);
    assertThat(status(token(ISSUER, null))).as("with no audience").isEqualTo(401);
  }

  @Test
  void aTokenOfAnotherTypeThanAnAccessTokenIsRefused() throws Exception {
    assertThat(status(token(ISSUER, List.of(AUDIENCE), "JWT"))).isEqualTo(200);
    assertThat(status(token(ISSUER, List.of(AUDIENCE), "at+jwt"))).as("RFC 9068").isEqualTo(200);
    // Signed by the same identity provider, with the same claims, but not for calling APIs.
    assertThat(status(token(ISSUER, List.of(AUDIENCE), "logout+jwt"))).isEqualTo(401);
    assertThat(status(token(ISSUER, List.of(AUDIENCE), "secevent+jwt"))).isEqualTo(401);
  }

  private static int status(String token) throws Exception {
    return api.send(
            "GET", "/api/v1/local-llm/tasks/active", null, "Authorization", "Bearer " + token)
        .statusCode();
  }

  private static String token(String issuer, List<String> audience) throws Exception {
    return token(issuer, audience, null);
  }

  private static String token(String issuer, List<String> audience, String type) throws Exception {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject("ops")
            .claim("roles", List.of("operator"))
            .expirationTime(Date.from(Instant.now().plusSeconds(3_600)));
    if (issuer != null) {
      claims.issuer(issuer);
    }
    if (audience != null) {
      claims.audience(audience);
    }
    JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.HS256);
    if (type != null) {
      header.type(new JOSEObjectType(type));
    }
    SignedJWT token = new SignedJWT(header.build(), claims.build());
    token.sign(new MACSigner(SecuredApi.SECRET_KEY.getBytes(StandardCharsets.UTF_8)));
    return token.serialize();
  }
}
