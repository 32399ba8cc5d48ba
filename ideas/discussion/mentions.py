"""@mentions in a comment's text (pure): `@handle`, where a handle is the part of a person's
e-mail address before the @ (e-mail addresses themselves are refused by the identifier guard)."""
import re
from collections.abc import Mapping

from markupsafe import Markup, escape

MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._-]{0,63})")
MAX_MENTIONS = 10


def mentioned_handles(text: str) -> list[str]:
    """The handles mentioned in the text, lower-cased, first mention first, each once."""
    return list(dict.fromkeys(match.group(1).rstrip("._-").lower() for match in MENTION.finditer(text or "")))


def handle_of(email: str) -> str:
    return email.split("@", 1)[0].lower()


def named_mentions(html: Markup, names: Mapping[str, str]) -> Markup:
    """Each @handle of a mentioned person in rendered text shown by name, the handle beside it."""
    def named(match: re.Match) -> str:
        handle = match.group(1).rstrip("._-")
        name = names.get(handle.lower())
        if name is None:
            return match.group(0)
        return f'<span class="mention"><strong>{escape(name)}</strong> <small>@{escape(handle)}</small></span>' + \
            match.group(1)[len(handle):]
    return Markup(MENTION.sub(named, str(html)))
