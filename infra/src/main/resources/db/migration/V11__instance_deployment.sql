-- The deployment an instance was started for (the deployment workflow's ID), null for a plain load,
-- so that a restart starts it again under the same deployment: the Docker runtime labels its
-- container with it (modelyard.deployment). Rows from before this column stay null.
alter table model_instances
    add column deployment text;
