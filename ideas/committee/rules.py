"""What the committee rules need to know about an idea's open round. Pure: no Flask, no database."""
from dataclasses import dataclass

from ideas.committee.tally import Tally


@dataclass(frozen=True)
class CommitteeFacts:
    """The open round's tally (votes of recused members left out) and who may no longer vote."""

    tally: Tally = Tally(0, 0, 0, 3)
    voter_ids: frozenset[int] = frozenset()  # members who have voted in the open round
    recused_ids: frozenset[int] = frozenset()  # members who declared a conflict on this idea
    round_open: bool = False
