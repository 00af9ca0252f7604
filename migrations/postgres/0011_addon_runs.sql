-- Written by hand: runs recorded by the game addon (issue 13).
--
-- source: 'api' (a CombatRunCreate body) or 'addon' (the addon's own shape, through a sync
-- batch, a SavedVariables upload or the CLI import). addon_run_id: the addon's run_id
-- (<AccountName>_<unix seconds>_<4 digits>), stable for the run whichever way it arrives.
-- addon_original: the addon run exactly as it arrived, so nothing it recorded is lost.
-- group_size 0 means unknown (the addon cannot tell); API runs always carry 1 to 24.
ALTER TABLE combat_runs ADD COLUMN source TEXT NOT NULL DEFAULT 'api';
ALTER TABLE combat_runs ADD COLUMN addon_run_id TEXT;
ALTER TABLE combat_runs ADD COLUMN addon_original JSONB;
-- One addon run is stored once per player, whichever channel it comes through, also when
-- several copies arrive at once: the database guarantees it, not a check before the insert.
-- NULLs (API runs) never conflict.
CREATE UNIQUE INDEX combat_runs_player_addon_run_idx ON combat_runs (player_id, addon_run_id);
