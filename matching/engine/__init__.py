"""The matching engine: plain NumPy/SciPy, no Django, no database.

Inputs (matching.engine.data)
    Directory(manager)                   whole organisation; manager[p] = p's manager or -1.
                                         Raises ValueError on a cycle in reporting lines.
    Side(person, seniority, department, languages, tz_offset, meeting_format,
         interests=None, expertise=None, answers={slug: csr}, capacity=None)
                                         one array entry per person; set-valued fields are
                                         0/1 CSR matrices (build with csr_from_sets).

Scoring (matching.engine.scoring) - scores are int32 cents, 0..10000 (= 0..100 points)
    default_weights(fmt) -> dict         fmt in one_to_one, group, peer, reverse
    ScoreSettings.for_format(fmt, weights=None, department="different")
    score_matrix(mentees, mentors, settings) -> (n, m) int32 cents
    pair_breakdown(mentees, mentors, settings, mentee_idx, mentor_idx) -> Breakdown
        .criteria, .points_cents (rows sum exactly to .score_cents), .as_dicts()

Constraints (matching.engine.constraints)
    ConstraintSettings(max_tz_gap_hours=None, exclude_same_department=False,
                       exclude_same_manager=False)
    feasibility_mask(mentees, mentors, directory, settings=None, forbidden=None,
                     earlier=None, symmetric=False, *, ended=None) -> (n, m) bool
    pairs_violations(...same..., mentee_idx, mentor_idx) -> broken rule names per pair
    pair_violations(...same..., mentee_idx, mentor_idx) -> list of broken rule names

Solving (matching.engine.solver) - block indices, not person indices
    solve_bipartite(cents, mask, capacity, locked=None, method="auto") -> Solution
    solve_peer(cents, mask, locked=None) -> Solution
    Solution.mentor_of, .objective_cents, .objective, .n_matched, .pairs(),
             .unmatched: (Unmatched(mentee, reason, candidates), ...), .method, .rounds

All in one (matching.engine.pipeline) - pair lists are person indices
    match_bipartite(mentees, mentors, directory, score_settings, constraint_settings=None,
                    *, forbidden=None, earlier=None, ended=None, locked=None) -> MatchResult
    match_peer(pool, directory, score_settings, constraint_settings=None,
               *, forbidden=None, earlier=None, ended=None, locked=None) -> MatchResult
    MatchResult.solution, .breakdown (aligned with solution.pairs()), .cents, .mask, .seconds

Flash events (matching.engine.flash) - rounds of short meetings, no pair twice
    plan_rotation(cents, mask, *, rounds, table_size=1, held=None, mentee_absent=None,
                  mentor_absent=None) -> Rotation      block indices; held is (h, n) mentor_of
    plan_flash_event(mentees, mentors, directory, score_settings, constraint_settings=None,
                     *, rounds, table_size=1, held=(), earlier=None, absent=()) -> FlashResult
    Rotation.mentor_of (rounds, n), .seated, .sitting_out(r), .mentors_sitting_out(r), .repeats,
             .objective_cents, .upper_bound_cents, .report() -> (RoundReport, ...), .seconds
"""

from __future__ import annotations

from matching.engine.constraints import (
    ConstraintSettings,
    feasibility_mask,
    pair_violations,
    pairs_violations,
)
from matching.engine.data import Directory, Side, csr_from_sets
from matching.engine.flash import (
    FlashResult,
    Rotation,
    RoundReport,
    plan_flash_event,
    plan_rotation,
)
from matching.engine.pipeline import MatchResult, match_bipartite, match_peer
from matching.engine.scoring import (
    CRITERIA,
    FORMATS,
    Breakdown,
    ScoreSettings,
    default_weights,
    pair_breakdown,
    score_matrix,
)
from matching.engine.solver import (
    CAPACITY_USED,
    NO_FEASIBLE_MENTOR,
    Solution,
    Unmatched,
    solve_bipartite,
    solve_peer,
)

__all__ = [
    "CAPACITY_USED",
    "CRITERIA",
    "FORMATS",
    "NO_FEASIBLE_MENTOR",
    "Breakdown",
    "ConstraintSettings",
    "Directory",
    "FlashResult",
    "MatchResult",
    "Rotation",
    "RoundReport",
    "ScoreSettings",
    "Side",
    "Solution",
    "Unmatched",
    "csr_from_sets",
    "default_weights",
    "feasibility_mask",
    "match_bipartite",
    "match_peer",
    "pair_breakdown",
    "pair_violations",
    "pairs_violations",
    "plan_flash_event",
    "plan_rotation",
    "score_matrix",
    "solve_bipartite",
    "solve_peer",
]
