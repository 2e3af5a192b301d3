-- The API refuses a key's rate limit below 1, but a row edited by hand could hold one, and a limit
-- of 0 made every rate-limit check of that key fail (and counted against Redis's breaker). Not
-- validated against existing rows, which the key store reads as a limit of 1.
alter table api_keys
    add constraint api_keys_rate_limit_requests_positive check (rate_limit_requests >= 1) not valid;
