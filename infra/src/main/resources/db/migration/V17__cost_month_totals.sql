-- Each month's cost per caller, kept up to date by triggers on cost_records. Every API replica
-- reads the month's totals every few seconds for its budgets; summing the month's rows for that
-- grew with traffic (a million cloud calls a month is a million rows read per replica per read).
-- Triggers rather than the ledger's own writes, so that every change to cost_records counts: other
-- replicas, retention's deletes, an operator's correction. A caller of '' is a request without one
-- (a primary key cannot hold null before PostgreSQL 15's NULLS NOT DISTINCT).
create table cost_month_totals (
    month    date    not null,
    caller   text    not null,
    cost_usd numeric not null,
    primary key (month, caller)
);

insert into cost_month_totals (month, caller, cost_usd)
select date_trunc('month', occurred_at at time zone 'UTC')::date, coalesce(caller, ''), sum(cost_usd)
from cost_records
group by 1, 2;

-- Rows are locked in (month, caller) order, the caller by its bytes (collation "C"), and the
-- ledger writes a batch in that order too, so two replicas writing for the same
-- callers wait for each other rather than deadlock. Rows that cost nothing (local requests) never
-- touch the totals.
create function cost_month_totals_apply() returns trigger
language plpgsql as $$
begin
    insert into cost_month_totals as t (month, caller, cost_usd)
    select month, caller, tg_argv[0]::int * sum(cost_usd)
    from (select date_trunc('month', occurred_at at time zone 'UTC')::date as month,
                 coalesce(caller, '') as caller,
                 cost_usd
          from changed) as c
    group by month, caller
    having sum(cost_usd) <> 0
    order by month, caller collate "C"
    on conflict (month, caller) do update set cost_usd = t.cost_usd + excluded.cost_usd;
    return null;
end
$$;

create function cost_month_totals_clear() returns trigger
language plpgsql as $$
begin
    delete from cost_month_totals;
    return null;
end
$$;

create trigger cost_month_totals_insert after insert on cost_records
    referencing new table as changed
    for each statement execute function cost_month_totals_apply('1');
create trigger cost_month_totals_delete after delete on cost_records
    referencing old table as changed
    for each statement execute function cost_month_totals_apply('-1');
create trigger cost_month_totals_update_old after update on cost_records
    referencing old table as changed
    for each statement execute function cost_month_totals_apply('-1');
create trigger cost_month_totals_update_new after update on cost_records
    referencing new table as changed
    for each statement execute function cost_month_totals_apply('1');
create trigger cost_month_totals_truncate after truncate on cost_records
    for each statement execute function cost_month_totals_clear();
