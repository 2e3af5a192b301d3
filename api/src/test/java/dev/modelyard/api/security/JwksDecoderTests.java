package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.modelyard.infra.settings.SecuritySettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/** Tokens checked against a key set served on loopback, as an identity provider serves it. */
class JwksDecoderTests {

  private final AtomicInteger fetches = new AtomicInteger();
  private RSAKey key;
  private HttpServer jwks;
  private JwtDecoder decoder;

  @BeforeEach
  void start() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("the-key").generate();
    byte[] keySet = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    jwks.createContext(
        "/jwks",
        exchange -> {
          fetches.incrementAndGet();
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, keySet.length);
          exchange.getResponseBody().write(keySet);
          exchange.close();
        });
    jwks.start();
    decoder = decoderOf(URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks"));
  }

  private static JwtDecoder decoderOf(URI keySet) {
    return SecurityConfiguration.rateLimitedFetchIsABadToken(
        SecurityConfiguration.jwksDecoder(
            new SecuritySettings(null, "RS256", keySet, null, null, null, null, 20, null)));
  }

  @AfterEach
  void stop() {
    jwks.stop(0);
  }

  @Test
  void aKeySetThatCannotBeFetchedIsAnOutageNotABadToken() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    JwtDecoder unreachable = decoderOf(URI.create("http://127.0.0.1:" + closedPort + "/jwks"));

    // Spring's JwtAuthenticationProvider makes this an AuthenticationServiceException: a 503.
    assertThatThrownBy(() -> unreachable.decode(token(key, "the-key")))
        .isInstanceOf(JwtException.class)
        .isNotInstanceOf(BadJwtException.class);
  }

  @Test
  void aValidTokenIsAcceptedAndTokensNamingUnknownKeysDoNotFetchTheSetEachTime() throws Exception {
    assertThat(decoder.decode(token(key, "the-key")).getSubject()).isEqualTo("alice");

    RSAKey stranger = new RSAKeyGenerator(2048).generate();
    for (int i = 0; i < 20; i++) {
      String madeUp = token(stranger, UUID.randomUUID().toString());
      // A bad token (401), also once the interval's re-fetches are spent: not an outage (503).
      assertThatThrownBy(() -> decoder.decode(madeUp)).isInstanceOf(BadJwtException.class);
    }

    // The first fetch, and at most two more for unknown keys within the 30 s interval.
    assertThat(fetches.get()).isBetween(1, 3);
    assertThat(decoder.decode(token(key, "the-key")).getSubject()).isEqualTo("alice");
  }

  private static String token(RSAKey signer, String keyId) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(),
            new JWTClaimsSet.Builder()
                .subject("alice")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build());
    jwt.sign(new RSASSASigner(signer));
    return jwt.serialize();
  }
}
