-- Cleanup deletes what is past its retention, oldest first, a batch at a time: each batch finds
-- its rows by time.
create index instance_events_time on instance_events (at);
create index scaling_decisions_time on scaling_decisions (decided_at);
create index model_instances_ended on model_instances (updated_at)
    where state in ('stopped', 'failed');
