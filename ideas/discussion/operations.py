"""The only code that writes comments: post, edit, remove. Each checks, writes its audit event and
flushes; the view commits."""
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ideas.accounts.models import User
from ideas.audit import record
from ideas.clock import utcnow
from ideas.database import db, parse_int
from ideas.discussion.mentions import MAX_MENTIONS, handle_of, mentioned_handles
from ideas.discussion.models import Comment, CommentMention
from ideas.errors import Conflict, Forbidden, Invalid
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.identifier_guard import find_identifiers, identifiers_message
from ideas.pipeline.models import Idea
from ideas.pipeline.signals import comment_posted
from ideas.pipeline.workflow import can_see

MAX_BODY = 5000
BODY_LABEL = "Comment"


def post_comment(idea: Idea, author: User, body: object) -> Comment:
    """A new comment by `author` on an idea they can see, with its @mentions."""
    _may_see(idea, author)
    text = _clean(body)
    people = _mentioned(idea, text)
    comment = Comment(idea_id=idea.id, author=author, body=text)
    comment.mentions = [CommentMention(user=person) for person in people]
    db.session.add(comment)
    db.session.flush()
    record("comment.posted", entity=comment, idea_id=idea.id, actor=author,
           changes={"body": (None, text), "mentions": (None, [p.name for p in people])})
    comment_posted.send(idea, comment=comment, actor=author, mentioned=people)
    return comment


def edit_comment(comment: Comment, idea: Idea, actor: User, body: object, expected_version: object) -> Comment:
    """The author changes their own comment's text; its mentions follow the new text."""
    _own(comment, actor, "edit")
    _expect_version(comment, expected_version)
    text = _clean(body)
    if text == comment.body:
        return comment
    people = _mentioned(idea, text)
    old_body, old_names = comment.body, [m.user.name for m in comment.mentions]
    kept = {m.user_id: m for m in comment.mentions}
    comment.mentions = [kept.get(p.id) or CommentMention(user=p) for p in people]
    comment.body, comment.edited_at = text, utcnow()
    _flush()
    record("comment.edited", entity=comment, idea_id=idea.id, actor=actor,
           changes={"body": (old_body, text), "mentions": (old_names, [p.name for p in people])})
    return comment


def remove_comment(comment: Comment, actor: User, expected_version: object) -> Comment:
    """The author removes their comment: its text goes, a "comment removed" placeholder stays."""
    _own(comment, actor, "remove")
    _expect_version(comment, expected_version)
    old_body = comment.body
    comment.body, comment.deleted_at = "", utcnow()
    _flush()
    record("comment.deleted", entity=comment, idea_id=comment.idea_id, actor=actor, changes={"body": (old_body, None)})
    return comment


def _may_see(idea: Idea, user: User) -> None:
    if not can_see(idea_facts(idea), actor_facts(user)):
        raise Forbidden("You cannot see this idea.")


def _own(comment: Comment, actor: User, verb: str) -> None:
    if comment.author_id != actor.id:
        raise Forbidden(f"Only its author can {verb} a comment.")
    if comment.removed:
        raise Invalid("This comment has been removed.", field="body")


def _clean(body: object) -> str:
    text = body.replace("\r\n", "\n").replace("\x00", "").strip() if isinstance(body, str) else ""
    if not text:
        raise Invalid("Write your comment first: it is empty.", field="body")
    if len(text) > MAX_BODY:
        raise Invalid(f"{BODY_LABEL}: keep it under {MAX_BODY} characters (it has {len(text)}).", field="body")
    findings = find_identifiers(text, "body")
    if findings:
        raise Invalid(identifiers_message(findings, {"body": BODY_LABEL}), field="body")
    return text


def _mentioned(idea: Idea, text: str) -> list[User]:
    """The people the text @mentions; refused when one is unknown, ambiguous or cannot see the idea."""
    handles = mentioned_handles(text)
    if len(handles) > MAX_MENTIONS:
        raise Invalid(f"Mention at most {MAX_MENTIONS} people in one comment.", field="body")
    if not handles:
        return []
    named = or_(*(User.email.istartswith(handle + "@", autoescape=True) for handle in handles))
    found: dict[str, list[User]] = {}
    for user in db.session.scalars(select(User).where(User.active, named).options(selectinload(User.role_rows))):
        found.setdefault(handle_of(user.email), []).append(user)
    facts, people = idea_facts(idea), []
    for handle in handles:
        matches = found.get(handle, [])
        if not matches:
            raise Invalid(f"Nobody active is called @{handle}: pick a name from the suggestions.", field="body")
        if len(matches) > 1:
            raise Invalid(f"@{handle} matches more than one person: pick a name from the suggestions.", field="body")
        person = matches[0]
        if not can_see(facts, actor_facts(person)):
            raise Invalid(f"{person.name} (@{handle}) cannot see this idea, so they cannot be mentioned in it.",
                          field="body")
        people.append(person)
    return people


def _expect_version(comment: Comment, expected: object) -> None:
    if (expected := parse_int(expected, 0)) is None:
        raise Invalid("The form is missing the comment's version; reload the page.", field="version")
    if expected != comment.version:
        raise Conflict("This comment changed while you had it open. Nothing of yours was saved.", field="version")


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict("This comment changed at the same moment. Nothing of yours was saved.",
                       field="version") from None
