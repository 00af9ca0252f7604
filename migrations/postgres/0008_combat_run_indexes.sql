-- Written by hand: indexes for how combat runs are actually read (issue 6 benchmark).
--
-- Every owner-scoped read (the run list, stats, characters, the three analytics) reads the
-- caller's runs by time and only these columns. A player's runs are spread over the whole
-- heap, so a plain (player_id, timestamp) index visits one heap page per run; this covering
-- index answers them from the index alone.
CREATE INDEX combat_runs_player_timeline_idx ON combat_runs (player_id, timestamp)
    INCLUDE (run_id, character_name, content_type, content_name, difficulty, duration_sec, success, dps);
DROP INDEX combat_runs_player_id_timestamp_idx;
-- Similar runs, top performers and DPS distributions are read per content and difficulty,
-- newest first.
CREATE INDEX combat_runs_content_idx ON combat_runs (content_name, difficulty, timestamp);
-- Single-column indexes no query uses alone (every filter is combined with the owner, whose
-- index leads; player_id alone is the prefix of the timeline index): they only slowed inserts.
DROP INDEX combat_runs_player_id_idx;
DROP INDEX combat_runs_character_name_idx;
DROP INDEX combat_runs_content_type_idx;
DROP INDEX combat_runs_content_name_idx;
DROP INDEX combat_runs_difficulty_idx;
DROP INDEX combat_runs_success_idx;
DROP INDEX combat_runs_dps_idx;
DROP INDEX combat_runs_timestamp_idx;
