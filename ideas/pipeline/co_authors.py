"""Co-authors: the submitter names colleagues, who count only once they accept (SPEC "Visibility").

Naming someone makes them conflicted at the committee, so a name alone must not let the
submitter choose who may vote: a named colleague is invited until they accept, and only
mentees can be named. Each invitation and answer is an audit event on the idea.
"""
from sqlalchemy import func, select

from ideas.accounts.models import Role, User
from ideas.audit import record
from ideas.database import db
from ideas.errors import Forbidden, Invalid
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.models import CoAuthor, CoAuthorStatus, Idea
from ideas.pipeline.signals import co_author_invited
from ideas.pipeline.workflow import FIELD_LABELS, check_answer

MAX_CO_AUTHORS = 10
LABEL = FIELD_LABELS["co_authors"]


def named_emails(idea: Idea) -> list[str]:
    """Everybody the submitter named, whatever their answer, as the form lists them."""
    return sorted(row.user.email for row in idea.named)


def co_author_emails(emails: list[str], idea: Idea, actor: User) -> list[str]:
    """The colleagues' addresses as stored, or the refusal naming the co_authors field."""
    wanted = sorted({email.lower() for email in emails})
    if wanted != [e.lower() for e in named_emails(idea)] and idea.submitter_id is not None \
            and actor.id != idea.submitter_id:
        raise Forbidden("Only the submitter can change the co-authors.")
    if len(wanted) > MAX_CO_AUTHORS:
        raise Invalid(f"{LABEL}: at most {MAX_CO_AUTHORS} co-authors.", field="co_authors")
    found = {user.email.lower(): user for user in db.session.scalars(
        select(User).where(func.lower(User.email).in_(wanted), User.active.is_(True)))}
    for email in wanted:
        user = found.get(email)
        if user is None:
            raise Invalid(f"{LABEL}: nobody active here has the address {email[:80]}; "
                          "choose a colleague from the list.", field="co_authors")
        if user.id == (idea.submitter_id or actor.id):
            raise Invalid(f"{LABEL}: you are the submitter already; list only the others.", field="co_authors")
        if user.id == idea.mentor_id:
            raise Invalid(f"{LABEL}: {user.name} is the idea's mentor and cannot also be a co-author.",
                          field="co_authors")
        if not user.has_role(Role.MENTEE):
            raise Invalid(f"{LABEL}: {user.name} is not a mentee; only mentees can be co-authors.",
                          field="co_authors")
    return [found[email].email for email in wanted]


def name_co_authors(idea: Idea, emails: list[str]) -> None:
    """Keep the answers of those still named; everybody newly named is invited."""
    kept = {row.user.email: row for row in idea.named}
    users = db.session.scalars(select(User).where(User.email.in_(emails))) if emails else []
    idea.named = [kept.get(user.email) or CoAuthor(user=user, status=CoAuthorStatus.INVITED) for user in users]


def record_invitations(idea: Idea, actor: User, changes: dict) -> None:
    """An audit event for each colleague the change newly named (after the idea's own event)."""
    if "co_authors" not in changes:
        return
    old, new = changes["co_authors"]
    for row in idea.named:
        if row.user.email in set(new or ()) - set(old or ()):
            record("co_author.invited", entity=idea, idea_id=idea.id, actor=actor,
                   changes={"co_author": (None, row.user.name)})
            co_author_invited.send(idea, actor=actor, invited=row.user)


def answer_invitation(idea: Idea, actor: User, accept: bool) -> None:
    """The invited colleague accepts (and counts from now on) or declines."""
    check_answer(idea_facts(idea), actor_facts(actor), accept)
    row = next(row for row in idea.named if row.user_id == actor.id)
    row.status = CoAuthorStatus.ACCEPTED if accept else CoAuthorStatus.DECLINED
    db.session.flush()
    record("co_author.accepted" if accept else "co_author.declined", entity=idea, idea_id=idea.id, actor=actor,
           changes={"co_author": (CoAuthorStatus.INVITED.value, row.status.value)})
