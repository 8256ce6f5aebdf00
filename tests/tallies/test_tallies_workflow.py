"""The workflow state machine of tests/test_workflow_stateful.py with one more invariant: after every
step, the board's figures read from the tallies equal a recount.

Every rule of `Workflow` (letters, moves, exemptions, the end of employment, the campaign cron, the
whole comment chain, ratings, notices, meetings, time passing across October 1) runs as there; after
each step the tallies first recount what the step changed — `tallies.pending`, the very range the
on-commit task would be given — and the board's tables (by commune, by workplace) and home must then
equal `live_commune_rows` / `live_workplace_rows` / `province_overview_recount`, overdue included on
the day of the step. Fewer examples than the base machine: the recount doubles the cost of a step.
"""

import os
from collections import Counter

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from books.models import CommentRequest, CommentStatus
from tests.tallies.recount import assert_tallies_equal_a_recount
from tests.test_workflow_stateful import ACTIONS, NEXT_STEPS, Workflow

FURTHER = [CommentStatus.REQUESTED, CommentStatus.DRAFTED, CommentStatus.SIGNED, CommentStatus.CERTIFIED]
# the actions after which the figures must have been checked at least once over all the examples
MUST_SEE = {
    "issue_letters", "confirm_letters", "change_residence", "change_workplace", "set_exemption", "end_employment",
    "open_campaign", "request_comment_on_demand", "write_comment", "sign_comment",
    "certify_comment", "return_comment", "acknowledge_comment", "record_rating",
}  # fmt: skip


class WorkflowWithTallies(Workflow):
    done: Counter[str] = Counter()  # over every example: which actions the invariant was checked after
    # fewer, shorter examples than the base machine: more weight on the comment chain so that it
    # reaches its end (MUST_SEE), and none on what moves no figure (corrections, a secretary leaving)
    weighted = [
        name
        for name, weight in {**ACTIONS, "comment_step": 24, "record_rating": 4, "request_comment_on_demand": 4}.items()
        if name not in {"update_member", "secretary_leaves", "prepare_letter", "reassign_cell"}
        for _ in range(weight)
    ]

    def teardown(self):
        WorkflowWithTallies.done.update(label for label in self.outcomes if label.endswith(" done"))
        super().teardown()

    @rule(data=st.data())
    def move_the_furthest_comment_on(self, data):
        """The open request furthest along, one step on: random steps alone seldom reach the end."""
        requests = [
            r
            for r in CommentRequest.objects.select_related(
                "book__member", "book__profile", "residence_cell", "residence_committee", "requesting_committee"
            ).order_by("pk")
            if NEXT_STEPS[r.status]
        ]
        if requests:
            request = max(requests, key=lambda r: (FURTHER.index(r.status) if r.status in FURTHER else 9, r.pk))
            step = data.draw(st.sampled_from(NEXT_STEPS[request.status]), label="step")
            getattr(self, f"comment_{step}")(data, request)

    @invariant()
    def the_board_s_figures_equal_a_recount(self):
        assert_tallies_equal_a_recount(self.today, provinces=[86])


def test_random_workflows_keep_the_board_s_figures_equal_to_a_recount(db):
    WorkflowWithTallies.done.clear()
    run_state_machine_as_test(
        WorkflowWithTallies,
        settings=settings(
            max_examples=12,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
            phases=list(Phase) if os.environ.get("HYPOTHESIS_SHRINK") else [Phase.explicit, Phase.generate],
        ),
    )
    assert {label.removesuffix(" done") for label in WorkflowWithTallies.done} >= MUST_SEE
