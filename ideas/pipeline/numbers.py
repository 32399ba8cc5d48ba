"""Idea numbers: "FI-142" is how people name idea 142 (a display of the id, so no column to keep in step). Pure."""
import re

PREFIX = "FI-"
_TYPED = re.compile(r"\s*(?:fi\s*-?\s*|#)?0*([1-9][0-9]{0,9})\s*", re.IGNORECASE)
LARGEST = 2**31 - 1  # the ideas table's integer id


def idea_number(idea_id: int) -> str:
    """The idea's number as people write it: FI-142."""
    return f"{PREFIX}{idea_id}"


def typed_number(text: str | None) -> int | None:
    """The id in an idea number as typed ("FI-142", "fi142", "#142" or "142"); None when the text is not one."""
    found = _TYPED.fullmatch(text or "")
    if not found or int(found.group(1)) > LARGEST:
        return None
    return int(found.group(1))
