"""The kinds of notification, how each is delivered unless the person chooses otherwise, and where it leads.

Pure: no Flask or database import.
"""
from dataclasses import dataclass
from enum import StrEnum


class Delivery(StrEnum):
    EMAIL = "email"
    IN_APP = "in_app"
    DIGEST = "digest"

    @property
    def label(self) -> str:
        return {"email": "E-mail at once", "in_app": "In the app only", "digest": "Daily digest e-mail"}[self.value]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # on the preferences page
    endpoint: str  # the page a notification opens (with `idea_id` when it has an idea)
    anchor: str = ""  # the place on that page
    default: Delivery = Delivery.EMAIL


IDEA, PACK, PILOT, SPREAD = "pipeline.detail", "committee.pack", "pilots.page", "spread.page"
KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("submitted", "An idea is submitted to your queue", IDEA),
    Kind("claimed", "A mentor starts reviewing your idea", IDEA, "review-summary-heading"),
    Kind("changes_requested", "Your mentor asks for changes", IDEA),
    Kind("resubmitted", "An idea you review is resubmitted", IDEA, "review-summary-heading"),
    Kind("recommended", "An idea is recommended to the committee", PACK, "your-vote"),
    Kind("reapproval", "A running pilot's plan changed and needs re-approval", PACK, "your-vote"),
    Kind("vote_needed", "An idea waits for the committee's vote", PACK, "your-vote"),
    Kind("decision", "The committee decides on your idea", IDEA),
    Kind("mention", "Someone @mentions you in a comment", IDEA, "comment-{comment_id}"),
    Kind("safety_hold", "An idea is put on safety hold or released", IDEA, "safety-hold"),
    Kind("condition_due", "A condition of approval you own is due soon", IDEA, "conditions"),
    Kind("condition_overdue", "A condition of approval you own is overdue", IDEA, "conditions"),
    Kind("pilot_data_overdue", "A pilot has had no new data for a while", PILOT),
    Kind("sustainment_overdue", "A sustainment check you own is overdue", SPREAD, "check-{check_id}"),
    Kind("invitation", "You are invited to co-author an idea", IDEA, "invitation"),
    Kind("two_factor_reset", "Your two-step sign-in was reset", "accounts.two_factor_setup"),
)}
