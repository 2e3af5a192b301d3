-- Each month's cost per caller, kept up to date by triggers on cost_records. Every API replica
-- reads the month's totals every few seconds for its budgets; summing the month's rows for that
-- grew with traffic (a million cloud calls a month is a million rows read per replica per read).
-- Triggers rather than the ledger's own writes, so that every change to cost_records counts: other
-- replicas, retention's deletes, an operator's correction. A caller of '' is a request without one
-- (a primary key cannot hold null before PostgreSQL 15's NULLS NOT DISTINCT).

-- Replicas of the version before go on writing during a rolling upgrade: held until the triggers
-- exist, so that no batch lands between the sum below and them, counted by neither.
lock table cost_records in share row exclusive mode;

create table cost_month_totals (
    month    date    not null,
    caller   text    not null,
    cost_usd numeric not null,
    primary key (month, caller)
);

insert into cost_month_totals (month, caller, cost_usd)
select date_trunc('month', occurred_at at time zone 'UTC')::date, coalesce(caller, ''), sum(cost_usd)
from cost_records
group by 1, 2
having sum(cost_usd) <> 0;

-- Adds what a statement changed to each (month, caller)'s total. Rows are locked in (month,
-- caller) order, the caller by its bytes (collation "C"), and the ledger writes a batch in that
-- order too, so two replicas writing for the same callers wait for each other rather than
-- deadlock; an update's old and new rows are one change, locked in one pass. Rows that cost nothing
-- (local requests) never touch the totals; a total brought to 0 (by retention's deletes) goes.
create function cost_month_totals_apply() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into cost_month_totals as t (month, caller, cost_usd)
        select date_trunc('month', occurred_at at time zone 'UTC')::date as month,
               coalesce(caller, '') as caller,
               sum(cost_usd)
        from (select occurred_at, caller, cost_usd from added) as change
        group by 1, 2
        having sum(cost_usd) <> 0
        order by 1, coalesce(caller, '') collate "C"
        on conflict (month, caller) do update set cost_usd = t.cost_usd + excluded.cost_usd;
    elsif tg_op = 'DELETE' then
        insert into cost_month_totals as t (month, caller, cost_usd)
        select date_trunc('month', occurred_at at time zone 'UTC')::date as month,
               coalesce(caller, '') as caller,
               sum(cost_usd)
        from (select occurred_at, caller, -cost_usd as cost_usd from removed) as change
        group by 1, 2
        having sum(cost_usd) <> 0
        order by 1, coalesce(caller, '') collate "C"
        on conflict (month, caller) do update set cost_usd = t.cost_usd + excluded.cost_usd;
    else
        insert into cost_month_totals as t (month, caller, cost_usd)
        select date_trunc('month', occurred_at at time zone 'UTC')::date as month,
               coalesce(caller, '') as caller,
               sum(cost_usd)
        from (select occurred_at, caller, -cost_usd as cost_usd from removed
                      union all
                      select occurred_at, caller, cost_usd from added) as change
        group by 1, 2
        having sum(cost_usd) <> 0
        order by 1, coalesce(caller, '') collate "C"
        on conflict (month, caller) do update set cost_usd = t.cost_usd + excluded.cost_usd;
    end if;
    if tg_op <> 'INSERT' then
        delete from cost_month_totals where cost_usd = 0;
    end if;
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
    referencing new table as added
    for each statement execute function cost_month_totals_apply();
create trigger cost_month_totals_delete after delete on cost_records
    referencing old table as removed
    for each statement execute function cost_month_totals_apply();
create trigger cost_month_totals_update after update on cost_records
    referencing old table as removed new table as added
    for each statement execute function cost_month_totals_apply();
create trigger cost_month_totals_truncate after truncate on cost_records
    for each statement execute function cost_month_totals_clear();
