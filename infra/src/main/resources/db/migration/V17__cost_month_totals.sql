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

-- Adds each (month, caller)'s change to its total. Rows are locked in (month, caller) order, the
-- caller by its bytes (collation "C"), and the ledger writes a batch in that order too, so two
-- replicas writing for the same callers wait for each other rather than deadlock. Changes that cost
-- nothing (local requests) never touch the totals; a total brought to 0 goes (only rows this
-- change has locked already).
create function cost_month_totals_add(months date[], callers text[], amounts numeric[])
returns void
language plpgsql as $$
declare
    zero_months  date[];
    zero_callers text[];
begin
    with added as (
        insert into cost_month_totals as t (month, caller, cost_usd)
        select month, caller, sum(amount)
        from unnest(months, callers, amounts) as change(month, caller, amount)
        group by month, caller
        having sum(amount) <> 0
        order by month, caller collate "C"
        on conflict (month, caller) do update set cost_usd = t.cost_usd + excluded.cost_usd
        returning month, caller, cost_usd)
    select array_agg(month), array_agg(caller) into zero_months, zero_callers
    from added where cost_usd = 0;
    if zero_months is not null then
        delete from cost_month_totals t
        using unnest(zero_months, zero_callers) as zero(month, caller)
        where t.month = zero.month and t.caller = zero.caller and t.cost_usd = 0;
    end if;
end
$$;

-- What a statement on cost_records changed: its new rows, less its old ones (an update's are one
-- change, locked in one pass).
create function cost_month_totals_apply() returns trigger
language plpgsql as $$
declare
    months  date[];
    callers text[];
    amounts numeric[];
begin
    if tg_op = 'INSERT' then
        select array_agg(date_trunc('month', occurred_at at time zone 'UTC')::date),
               array_agg(coalesce(caller, '')), array_agg(cost_usd)
        into months, callers, amounts
        from added;
    elsif tg_op = 'DELETE' then
        select array_agg(date_trunc('month', occurred_at at time zone 'UTC')::date),
               array_agg(coalesce(caller, '')), array_agg(-cost_usd)
        into months, callers, amounts
        from removed;
    else
        select array_agg(date_trunc('month', occurred_at at time zone 'UTC')::date),
               array_agg(coalesce(caller, '')), array_agg(cost_usd)
        into months, callers, amounts
        from (select occurred_at, caller, -cost_usd as cost_usd from removed
              union all
              select occurred_at, caller, cost_usd from added) as change;
    end if;
    if months is not null then
        perform cost_month_totals_add(months, callers, amounts);
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
