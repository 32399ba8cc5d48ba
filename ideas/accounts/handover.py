"""Open work a user holds, and handing it over when they leave.

A feature whose work waits on a person (pairings today; later the ideas a mentor reviews,
votes owed, conditions owned) registers a provider: how to list that person's items and how
to hand one over to a successor, or release it when nobody is named yet.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from ideas.accounts.models import Role, User


@dataclass(frozen=True)
class WorkItem:
    kind: str  # the provider's name
    ref: int  # the id of the thing, within its kind
    summary: str  # "Mentor to Maya Okafor"
    successor_role: Role  # who may take it over
    released: str  # what happens when it is handed to nobody
    not_to: frozenset[int] = field(default_factory=frozenset)  # users who may not take it over

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.ref}"


@dataclass(frozen=True)
class WorkProvider:
    kind: str
    items: Callable[[User], list[WorkItem]]
    hand_over: Callable[[WorkItem, User | None, str | None], str]  # (item, successor, reason) -> what was done


PROVIDERS: dict[str, WorkProvider] = {}


def register_work_provider(provider: WorkProvider) -> None:
    PROVIDERS[provider.kind] = provider


def open_work(user: User) -> list[WorkItem]:
    """Everything waiting on this user, from every registered provider."""
    return [item for provider in PROVIDERS.values() for item in provider.items(user)]


def hand_over(item: WorkItem, successor: User | None, reason: str | None = None) -> str:
    """Give the item to the successor, or release it when there is none; says what was done."""
    return PROVIDERS[item.kind].hand_over(item, successor, reason)
