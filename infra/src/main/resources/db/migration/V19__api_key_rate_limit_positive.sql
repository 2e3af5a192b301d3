-- The API refuses a key's rate limit below 1, but a row edited by hand could hold one, and a limit
-- of 0 made every rate-limit check of that key fail (and counted against Redis's breaker). Such a
-- row is given 1 (the key all but blocked, as its editor meant) before the constraint is added.
update api_keys set rate_limit_requests = 1 where rate_limit_requests < 1;
alter table api_keys
    add constraint api_keys_rate_limit_requests_positive check (rate_limit_requests >= 1);
