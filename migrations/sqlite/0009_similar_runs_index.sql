-- Written by hand: the recommendation engine's similar-run pool (issue 7).
--
-- Similar runs share content and difficulty and lie within ±200 CP and ±1 group size; only
-- their scores are read, newest first. SQLite has no INCLUDE, so the read columns trail the
-- key and the query is answered from the index alone.
CREATE INDEX combat_runs_similar_idx ON combat_runs (content_name, difficulty, cp_level, group_size, timestamp, run_id, contribution_scores);
