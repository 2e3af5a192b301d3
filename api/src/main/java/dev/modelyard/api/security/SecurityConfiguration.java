package dev.modelyard.api.security;

import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import dev.modelyard.infra.postgres.NotificationListener;
import dev.modelyard.infra.security.ApiKeyStore;
import dev.modelyard.infra.settings.SecuritySettings;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every request but health needs a caller, authenticated by an API key or a JWT, whose roles reach
 * the endpoint's rule in {@link EndpointAccess}. Stateless: no session, no cookie, so no CSRF.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

  /** Clock difference tolerated between the token's issuer and this process. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  @Bean
  ApiKeyStore apiKeyStore(JdbcClient jdbc, PlatformTransactionManager transactions) {
    return new ApiKeyStore(jdbc, new TransactionTemplate(transactions));
  }

  @Bean
  LastUsedRecorder apiKeyLastUsed(ApiKeyStore store) {
    return new LastUsedRecorder(store, LastUsedRecorder.DEFAULT_INTERVAL);
  }

  @Bean
  ApiKeys apiKeys(ApiKeyStore store, LastUsedRecorder lastUsed, SecuritySettings settings) {
    return new ApiKeys(
        store,
        lastUsed,
        new FailedKeyLookups(settings.unknownKeysPerMinute(), settings.unknownKeysPerMinuteTotal()),
        Clock.systemUTC(),
        Ticker.systemTicker());
  }

  @Bean
  FirstAdminKey firstAdminKey(ApiKeys keys) {
    return new FirstAdminKey(keys);
  }

  @Bean(destroyMethod = "close")
  NotificationListener apiKeyChanges(DataSource dataSource, ApiKeys keys) {
    return NotificationListener.start(dataSource, ApiKeyStore.CHANNEL, keys::changed);
  }

  /** Also keeps Boot from creating its default user with a generated password. */
  @Bean
  AuthenticationManager callerAuthenticationManager(ApiKeys keys, SecuritySettings settings) {
    JwtAuthenticationProvider jwt = jwtProvider(settings);
    log.info(
        "Security: API keys{}",
        jwt == null
            ? "; JWTs not accepted (SECRET_KEY not set)"
            : " and " + settings.algorithm() + " JWTs");
    return new CallerAuthenticationManager(keys, jwt);
  }

  /** One for both filters, so that an outage is warned of once a minute, not once per filter. */
  @Bean
  SecurityErrorResponses securityErrorResponses() {
    return new SecurityErrorResponses(Ticker.systemTicker());
  }

  @Bean
  SecurityFilterChain securityFilterChain(
      HttpSecurity http, AuthenticationManager callers, SecurityErrorResponses errors) {
    http.csrf(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .oauth2ResourceServer(
            resource ->
                resource
                    .bearerTokenResolver(new CallerTokens())
                    .authenticationManagerResolver(request -> callers)
                    .authenticationEntryPoint(errors)
                    .accessDeniedHandler(errors)
                    .withObjectPostProcessor(
                        new ObjectPostProcessor<BearerTokenAuthenticationFilter>() {
                          @Override
                          public <O extends BearerTokenAuthenticationFilter> O postProcess(
                              O filter) {
                            // Its own handler rethrows a key store that did not answer, which the
                            // servlet container turned into a 500.
                            filter.setAuthenticationFailureHandler(errors::failed);
                            return filter;
                          }
                        }))
        .exceptionHandling(e -> e.authenticationEntryPoint(errors).accessDeniedHandler(errors))
        .authorizeHttpRequests(
            authorize -> {
              // The request itself was authorised; its error page or async part need not be.
              authorize
                  .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                  .permitAll();
              for (EndpointAccess.Rule rule : EndpointAccess.rules()) {
                var matched =
                    authorize.requestMatchers(
                        rule.methods().stream()
                            .map(
                                method ->
                                    PathPatternRequestMatcher.withDefaults()
                                        .matcher(method, rule.pattern()))
                            .toArray(RequestMatcher[]::new));
                if (rule.required() == null) {
                  matched.permitAll();
                } else {
                  matched.hasAuthority(rule.required().authority());
                }
              }
              authorize
                  .anyRequest()
                  .hasAuthority(EndpointAccess.EVERYTHING_ELSE.required().authority());
            });
    return http.build();
  }

  /**
   * The generation endpoints skip this chain: {@link GenerationCallerFilter} applies the same
   * credentials and rules to them, at a fraction of the cost per request.
   */
  @Bean
  WebSecurityCustomizer generationEndpointsOutsideTheChain() {
    return web -> web.ignoring().requestMatchers(GenerationEndpoints.MATCHER);
  }

  /** In Spring Security's place on the generation endpoints, before the body limit. */
  @Bean
  FilterRegistrationBean<GenerationCallerFilter> generationCallers(
      AuthenticationManager callers, SecurityErrorResponses errors) {
    var registration = new FilterRegistrationBean<>(new GenerationCallerFilter(callers, errors));
    registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER);
    return registration;
  }

  /**
   * After security and the rate limit ({@code RateLimitFilter}), so that a caller who is refused
   * either way is answered before its body is read (a chunked one is read here, up to the limit).
   */
  @Bean
  FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimit(SecuritySettings settings) {
    var registration =
        new FilterRegistrationBean<>(new RequestBodyLimitFilter(settings.maxRequestBody()));
    registration.setOrder(BODY_LIMIT_ORDER);
    return registration;
  }

  /** Right after the rate limit's {@code Ordered.LOWEST_PRECEDENCE - 100}. */
  static final int BODY_LIMIT_ORDER = Ordered.LOWEST_PRECEDENCE - 99;

  /**
   * Leaves the authenticated caller's name on the request, where the audit filter, which wraps the
   * whole chain, still finds it once security's request wrapper is gone.
   */
  @Bean
  FilterRegistrationBean<OncePerRequestFilter> callerAttribute() {
    var registration =
        new FilterRegistrationBean<OncePerRequestFilter>(
            new OncePerRequestFilter() {
              @Override
              protected void doFilterInternal(
                  HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                  throws ServletException, IOException {
                if (request.getUserPrincipal() != null) {
                  request.setAttribute(Caller.NAME_ATTRIBUTE, request.getUserPrincipal().getName());
                }
                chain.doFilter(request, response);
              }
            });
    registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 3);
    return registration;
  }

  /**
   * A warning only: neither an unanswered query nor tokens that may carry the admin role
   * (SECRET_KEY or a JWKS) make it stop the start.
   */
  private static void warnIfNoAdmin(ApiKeys keys, SecuritySettings settings) {
    if (settings.secretKey() != null || settings.jwksUrl() != null) {
      return;
    }
    try {
      if (!keys.anyActiveAdmin()) {
        log.warn(
            "Security: no API key may administer this installation, and MODELYARD_ADMIN_KEY is"
                + " not set: set it to my-<at least 32 characters> and restart, and that key is"
                + " created as an admin key");
      }
    } catch (DataAccessException e) {
      log.warn("Security: cannot tell whether an admin key exists: {}", e.getMessage());
    }
  }

  /** After the body limit: parsing parameters may read a form body. */
  @Bean
  FilterRegistrationBean<MalformedParametersFilter> malformedParameters() {
    var registration = new FilterRegistrationBean<>(new MalformedParametersFilter());
    registration.setOrder(BODY_LIMIT_ORDER + 1);
    return registration;
  }

  /**
   * MODELYARD_ADMIN_KEY exists as an admin key from the first start on (idempotent), and the key it
   * held before a change is revoked. Without it, a start that finds no admin key says how to get
   * one: with a database of its own, nothing else makes one (the launcher's first key is for its
   * embedded database only). It runs after the launcher's runner, which is ordered first.
   */
  @Bean
  ApplicationRunner adminKeyFromEnvironment(ApiKeys keys, SecuritySettings settings) {
    return arguments -> {
      if (settings.adminKey() == null) {
        warnIfNoAdmin(keys, settings);
        return;
      }
      for (KeyView revoked :
          keys.ensure(settings.adminKey().value(), KeyRequest.fromEnvironment())) {
        log.info(
            "Security: MODELYARD_ADMIN_KEY changed; revoked the key it held before ({}…)",
            revoked.keyPrefix());
      }
    };
  }

  /**
   * Checks tokens against the keys of MODELYARD_JWKS_URL, cached for 5 minutes, fetched with
   * Nimbus's timeouts of half a second. A token naming a key the cache lacks fetches the set again
   * at most twice in 30 s: Spring's own JWKS builder turns that limit off, and a stream of tokens
   * with made-up key IDs, unauthenticated, then fetched the set once per request.
   */
  static NimbusJwtDecoder jwksDecoder(SecuritySettings settings) {
    URL keys;
    try {
      keys = settings.jwksUrl().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("MODELYARD_JWKS_URL is no URL: " + e.getMessage(), e);
    }
    JWKSource<SecurityContext> source =
        JWKSourceBuilder.<SecurityContext>create(keys)
            .refreshAheadCache(false)
            .rateLimited(JWKS_REFETCH_INTERVAL.toMillis())
            .build();
    return NimbusJwtDecoder.withJwkSource(source)
        .jwsAlgorithm(SignatureAlgorithm.from(settings.algorithm()))
        .build();
  }

  static final Duration JWKS_REFETCH_INTERVAL = Duration.ofSeconds(30);

  /**
   * A token whose key could not be fetched because the re-fetches of this interval are spent names
   * no key we know: a bad token (401), not an outage of the key store (503).
   */
  static JwtDecoder rateLimitedFetchIsABadToken(JwtDecoder decoder) {
    return token -> {
      try {
        return decoder.decode(token);
      } catch (JwtException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
          if (cause instanceof RateLimitReachedException) {
            throw new BadJwtException(
                "the token's key is not among those of MODELYARD_JWKS_URL", e);
          }
        }
        throw e;
      }
    };
  }

  /**
   * A token typed as something other than an access token (a logout token, a security event) is
   * signed by the same key and may carry the same claims, but is not meant for calling an API. No
   * type, or JWT, is what most identity providers give their access tokens; RFC 9068 names them
   * at+jwt.
   */
  private static JwtTypeValidator accessTokenTypes() {
    JwtTypeValidator types = new JwtTypeValidator("JWT", "at+jwt", "application/at+jwt");
    types.setAllowEmpty(true);
    return types;
  }

  private static JwtAuthenticationProvider jwtProvider(SecuritySettings settings) {
    NimbusJwtDecoder decoder;
    if (settings.hmac()) {
      if (settings.secretKey() == null) {
        return null;
      }
      MacAlgorithm algorithm = MacAlgorithm.from(settings.algorithm());
      decoder =
          NimbusJwtDecoder.withSecretKey(
                  new SecretKeySpec(
                      settings.secretKey().value().getBytes(StandardCharsets.UTF_8),
                      "HmacSHA" + settings.algorithm().substring(2)))
              .macAlgorithm(algorithm)
              .build();
    } else {
      decoder = jwksDecoder(settings);
    }
    // A token must say who it is and when it ends: a JWT without exp would be valid forever.
    List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
    validators.add(new JwtTimestampValidator(CLOCK_SKEW));
    validators.add(accessTokenTypes());
    validators.add(new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull));
    validators.add(
        new JwtClaimValidator<String>(
            JwtClaimNames.SUB, subject -> subject != null && !subject.isBlank()));
    if (settings.jwtIssuer() != null) {
      validators.add(new JwtIssuerValidator(settings.jwtIssuer()));
    }
    if (settings.jwtAudience() != null) {
      validators.add(
          new JwtClaimValidator<List<String>>(
              JwtClaimNames.AUD,
              audience -> audience != null && audience.contains(settings.jwtAudience())));
    }
    if (!settings.hmac() && (settings.jwtIssuer() == null || settings.jwtAudience() == null)) {
      log.warn(
          "Security: tokens signed by any key of MODELYARD_JWKS_URL are accepted, whoever they"
              + " were issued for; set MODELYARD_JWT_ISSUER and MODELYARD_JWT_AUDIENCE when that"
              + " key set also signs for other applications");
    }
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
    JwtAuthenticationProvider provider =
        new JwtAuthenticationProvider(
            settings.hmac() ? decoder : rateLimitedFetchIsABadToken(decoder));
    provider.setJwtAuthenticationConverter(new JwtCallers());
    return provider;
  }
}
