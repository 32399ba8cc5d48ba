"""A voting round's outcome: quorum counts every eligible vote, the majority ignores abstentions. Pure."""
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Vote(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    ABSTAIN = "abstain"


@dataclass(frozen=True)
class Tally:
    approve: int
    reject: int
    abstain: int
    quorum: int

    @property
    def cast(self) -> int:
        return self.approve + self.reject + self.abstain

    @property
    def quorate(self) -> bool:
        return self.cast >= self.quorum

    @property
    def majority(self) -> Vote | None:
        """Approve or reject once quorate with more of one than the other; a tie decides nothing."""
        if not self.quorate or self.approve == self.reject:
            return None
        return Vote.APPROVE if self.approve > self.reject else Vote.REJECT


def tally(votes: Iterable[Vote], quorum: int) -> Tally:
    counts = Counter(Vote(v) for v in votes)
    return Tally(counts[Vote.APPROVE], counts[Vote.REJECT], counts[Vote.ABSTAIN], quorum)
