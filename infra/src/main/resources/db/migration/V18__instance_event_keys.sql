-- A key per event written by a Temporal activity (its workflow, run and activity IDs), so that the
-- retry of a call that committed (its answer lost, or its timeout passed) writes no second event.
-- Events written without one (null) are never taken for each other.
alter table instance_events add column event_key text;
create unique index instance_events_event_key on instance_events (event_key);
