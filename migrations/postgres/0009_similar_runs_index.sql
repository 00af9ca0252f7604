-- Written by hand: the recommendation engine's similar-run pool (issue 7).
--
-- Similar runs share content and difficulty and lie within ±200 CP and ±1 group size; only
-- their scores are read, newest first. Without this index the query visited one heap page per
-- candidate of the content (~4,700 pages for 686 kept at 100,000 runs: 21 ms); with it the
-- query is answered from the index (1.1 ms).
CREATE INDEX combat_runs_similar_idx ON combat_runs (content_name, difficulty, cp_level)
    INCLUDE (group_size, timestamp, run_id, contribution_scores);
