package dev.modelyard.api.security;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.NotFoundException;
import dev.modelyard.infra.settings.RateLimitSettings;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** API keys, for admins: create (the key is in the answer, once), list, revoke. */
@RestController
@RequestMapping("/api/v1/local-llm/keys")
class KeysController {

  private final ApiKeys keys;
  private final RateLimitSettings rateLimits;

  KeysController(ApiKeys keys, RateLimitSettings rateLimits) {
    this.keys = keys;
    this.rateLimits = rateLimits;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  CreatedKey create(@Valid @RequestBody KeyRequest request) {
    if (request.rateLimitRequests() != null
        && request.rateLimitRequests() > rateLimits.mostRequests()) {
      // Spaced a whole microsecond apart at least, more requests than that would not be limited.
      throw new InvalidFieldException(
          "rate_limit_requests",
          "rate_limit_requests must be at most "
              + rateLimits.mostRequests()
              + " (one a microsecond of the "
              + rateLimits.window().toSeconds()
              + " s window)");
    }
    return keys.create(request);
  }

  @GetMapping
  KeyList list() {
    return new KeyList(keys.list());
  }

  /** Revoked keys stay listed, with the time they were revoked; revoking twice changes nothing. */
  @DeleteMapping("/{keyId}")
  KeyView revoke(@PathVariable String keyId) {
    return keys.revoke(keyId).orElseThrow(() -> new NotFoundException("no API key " + keyId));
  }

  record KeyList(List<KeyView> keys) {}
}
