-- Written by hand: when the run's recommendations were last computed (issue 7). A run whose
-- every category is above the median gets no recommendations; without this mark, every later
-- GET /runs/{run_id}/recommendations found nothing stored and computed again (a read of 1,000
-- top-performer builds and a write transaction per call). NULL: never computed.
ALTER TABLE combat_runs ADD COLUMN analysed_at TIMESTAMPTZ;
