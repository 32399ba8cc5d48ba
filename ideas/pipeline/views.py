"""The mentee's side of the pipeline: my ideas, writing a draft (with autosave), the idea page, actions."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from ideas.accounts.models import Role
from ideas.accounts.queries import active_users_with, all_sites, find_colleagues
from ideas.database import db, parse_int
from ideas.discussion.forms import CommentForm
from ideas.errors import Conflict, Invalid, Refusal
from ideas.extensions import htmx
from ideas.forms import options, unit_choices
from ideas.pipeline.facts import FREE_TEXT, actor_facts, idea_facts, queues
from ideas.pipeline.co_authors import answer_invitation, named_emails
from ideas.pipeline.forms import ActionForm, IdeaForm, InvitationForm
from ideas.pipeline.models import Idea
from ideas.pipeline import handover  # noqa: F401  (ideas a leaving mentor holds are open work)
from ideas.pipeline.operations import apply_action, create_draft, reassign_mentor, save_draft
from ideas.pipeline.queries import invitations, last_transition, my_ideas, waiting_on
from ideas.pipeline.tracker import Tracker, primary_first, tracker
from ideas.pipeline.workflow import (
    ACTIONS,
    MENTORED,
    TRANSITIONS,
    Stage,
    Transition,
    Who,
    available_actions,
    can_edit,
    can_see,
    check,
    transition_for,
)
from ideas.timeline.views import requested_timeline
from ideas.web import render, role_required

bp = Blueprint("pipeline", __name__, url_prefix="/ideas")


mentee_required = role_required(Role.MENTEE)


def visible_idea(idea_id: int) -> Idea:
    """The idea, or 404 when it does not exist or this user may not see it (no existence leak)."""
    idea = db.session.get(Idea, idea_id)
    # Visibility reads the idea's people and queue, not the features' facts (review, rounds, pilot, spread):
    # those are read, where needed, by the page's own rules.
    if idea is None or not can_see(idea_facts(idea, queues([idea])), actor_facts(current_user)):
        abort(404)
    return idea


def editable_idea(idea_id: int) -> Idea:
    idea = visible_idea(idea_id)
    if not can_edit(idea_facts(idea), actor_facts(current_user)):
        abort(403)
    return idea


@bp.get("/mine")
@mentee_required
def mine():
    ideas = my_ideas(current_user)
    return render("pipeline/mine.html", "pipeline/_my_ideas.html", ideas=ideas, waiting=waiting_on(ideas, current_user),
                  invitations=invitations(current_user))


def idea_form(idea: Idea | None) -> IdeaForm:
    """The form, filled from the request when one was posted, else from the idea."""
    form = IdeaForm(data=_form_data(idea) if idea is not None and request.method == "GET" else None)
    form.unit.choices = unit_choices(all_sites(), "Choose your unit")
    return form


def _form_data(idea: Idea) -> dict:
    texts = {name: getattr(idea, name) for name in FREE_TEXT}
    return {**texts, "idea_id": idea.id, "version": idea.version, "benefits": [str(b) for b in idea.benefits],
            "category": str(idea.category or ""), "unit": str(idea.unit_id or ""), "tags": ", ".join(idea.tags),
            "co_authors": ", ".join(named_emails(idea))}


def _form_idea(form: IdeaForm, idea: Idea | None) -> Idea | None:
    """The idea a posted form saves into: the page's, or the draft its first autosave created."""
    if idea is None and (idea_id := parse_int(form.idea_id.data)) is not None:
        idea = visible_idea(idea_id)  # the operation says why, if it is not editable
    return idea


def _save(form: IdeaForm, idea: Idea | None) -> tuple[Idea, dict]:
    user = current_user._get_current_object()
    if idea is None:
        idea = create_draft(user, form.idea_fields())
        return idea, {"created": True}
    fields = form.idea_fields(include_co_authors=user.id == idea.submitter_id)
    return idea, save_draft(idea, user, fields, form.version.data)


@bp.route("/new", methods=["GET", "POST"])
@mentee_required
def new():
    return _edit_page(None)


@bp.route("/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
def edit(idea_id: int):
    return _edit_page(editable_idea(idea_id))


def _edit_page(idea: Idea | None):
    """Save (or save and send) the whole form; on a refusal nothing is kept but the text on the page."""
    form, status = idea_form(idea), 200
    if form.validate_on_submit():
        idea = _form_idea(form, idea)
        intent = request.form.get("intent", "save")
        try:
            saved, _ = _save(form, idea)
            if intent == "submit":
                apply_action(saved, current_user, "submit", saved.version)
            elif intent == "resubmit":
                apply_action(saved, current_user, "resubmit", saved.version, response=form.response.data)
            db.session.commit()
        except Refusal as refusal:
            db.session.rollback()
            form.show(refusal)
            status = refusal.status
            if isinstance(refusal, Conflict) and idea is not None:
                form.version.data = idea.version  # they have been warned; the next save may overwrite
        else:
            if intent == "save":
                flash("Draft saved.", "success")
                return redirect(url_for("pipeline.edit", idea_id=saved.id))
            flash("Sent to the mentors. You will hear when a mentor starts the review.", "success")
            return redirect(url_for("pipeline.detail", idea_id=saved.id))
    elif form.is_submitted():
        status = 422
    revising = idea is not None and idea.stage == Stage.REVISION
    sending = transition_for("resubmit", Stage.REVISION) if revising else transition_for("submit", Stage.DRAFT)
    form.mark_needed(sending.needs, "before the idea goes back to the mentor" if revising
                     else "before the idea is sent")
    request_for_changes = last_transition(idea) if revising else None
    return render_template("pipeline/edit.html", form=form, idea=idea, request_for_changes=request_for_changes,
                           is_submitter=idea is None or idea.submitter_id == current_user.id), status


@bp.post("/autosave")
@login_required
def autosave():
    """Save the draft as the user types; answers a small status fragment and the new version out of band."""
    form = idea_form(None)
    if not form.validate_on_submit():
        return render_template("pipeline/_autosave.html", idea=None, refusal=form.refusal()), 422
    idea = _form_idea(form, None)
    if idea is None and not any(v for v in form.idea_fields().values()):
        return render_template("pipeline/_autosave.html", idea=None, refusal=None)
    try:
        idea, changes = _save(form, idea)
        db.session.commit()
    except Refusal as refusal:
        db.session.rollback()
        # app.js has htmx swap a 422 or 409, so the message shows; a 403 never comes from the page
        return render_template("pipeline/_autosave.html", idea=idea, refusal=refusal), refusal.status
    # draft.js then forgets its copy of the text, or keeps what was typed meanwhile with the version just saved:
    # after the swap, which brings that version in (told before it, the copy kept the old one, and after an
    # interruption the text looked saved by someone else).
    headers = {"HX-Trigger-After-Swap": "draftSaved"}
    if changes.get("created"):
        headers["HX-Replace-Url"] = url_for("pipeline.edit", idea_id=idea.id)
    return render_template("pipeline/_autosave.html", idea=idea, refusal=None), 200, headers


@bp.get("/people")
@mentee_required
def people():
    """Active mentees matching a name or e-mail, to pick co-authors from (only mentees can be co-authors)."""
    query = (request.args.get("q") or "").strip()[:80]
    found = find_colleagues(query, current_user, role=Role.MENTEE) if len(query) >= 2 else []
    return render_template("pipeline/_people.html", people=found, query=query)


@bp.get("/<int:idea_id>")
@login_required
def detail(idea_id: int):
    idea = visible_idea(idea_id)
    facts, actor = idea_facts(idea), actor_facts(current_user)
    timeline = requested_timeline(idea)
    if htmx:  # a filter or page of the timeline
        return render_template("timeline/_timeline.html", idea=idea, timeline=timeline)
    return render_template("pipeline/detail.html", idea=idea, tracker=idea_tracker(idea),
                           actions=primary_first(available_actions(facts, actor), idea.stage),
                           can_edit=can_edit(facts, actor),
                           can_reassign=current_user.has_role(Role.ADMIN) and idea.stage in MENTORED,
                           latest=last_transition(idea), timeline=timeline, comment_form=CommentForm())


def idea_tracker(idea: Idea) -> Tracker:
    """The stage tracker, naming the idea's submitter, accepted co-authors and mentor."""
    names = {Who.SUBMITTER: idea.submitter.name, Who.CO_AUTHOR: ", ".join(u.name for u in idea.co_authors)}
    if idea.mentor is not None:
        names[Who.ASSIGNED_MENTOR] = idea.mentor.name
    return tracker(Stage(idea.stage), names)


@bp.post("/<int:idea_id>/invitation")
@login_required
def answer(idea_id: int):
    """The invited colleague accepts co-authoring the idea, or declines."""
    idea = visible_idea(idea_id)
    form = InvitationForm()
    if not form.validate_on_submit():
        abort(400)
    if form.answer.data not in ("accept", "decline"):
        raise Invalid("Your answer: choose accept or decline.", field="answer")
    answer_invitation(idea, current_user._get_current_object(), form.answer.data == "accept")
    db.session.commit()
    if form.answer.data == "accept":
        flash("You are now a co-author of this idea.", "success")
        return redirect(url_for("pipeline.detail", idea_id=idea.id))
    flash("You declined the invitation.", "success")
    return redirect(url_for("pipeline.mine" if current_user.has_role(Role.MENTEE) else "home.index"))


ACTION_INPUTS = frozenset({"reason", "comment", "response", "note", "mentor"})  # what ActionForm carries


def _own_page(idea: Idea, row: Transition) -> str:
    """Where an action with its own form is taken: completing on the pilot page, adoption on the scale-up
    page beside the units that adopted, the other decisions in the review pack."""
    if row.action == "complete_pilot":
        return url_for("pilots.page", idea_id=idea.id, _anchor="results")
    if row.action == "mark_adopted":
        return url_for("spread.page", idea_id=idea.id, _anchor="mark-adopted")
    return url_for("committee.pack", idea_id=idea.id, decide=row.action, _anchor=f"decide-{row.action}")


@bp.route("/<int:idea_id>/actions/<action>", methods=["GET", "POST"])
@login_required
def act(idea_id: int, action: str):
    """An action's form (the reason, comment or mentor it asks for), and applying it."""
    idea = visible_idea(idea_id)
    if action not in ACTIONS:
        abort(404)
    facts, actor = idea_facts(idea), actor_facts(current_user)
    row = next((t for t in available_actions(facts, actor) if t.action == action), None)
    if row is not None and (row.signed or not set(row.inputs) <= ACTION_INPUTS):
        return redirect(_own_page(idea, row))  # signed, or asking for more than a reason: its own page
    form, status = ActionForm(data={"version": idea.version} if request.method == "GET" else None), 200
    form.mentor.choices = _mentor_choices()
    if form.validate_on_submit():
        inputs = {name: form[name].data for name in ("reason", "comment", "response", "note")}
        if current_user.has_role(Role.ADMIN) and (mentor_id := parse_int(form.mentor.data)) is not None:
            inputs["mentor"] = mentor_id
        try:
            done = apply_action(idea, current_user, action, form.version.data, **inputs)
            db.session.commit()
        except Conflict as conflict:
            db.session.rollback()
            form.show(conflict)  # what they typed stays on the page
            form.version.data, status = idea.version, conflict.status
            row = next((t for t in available_actions(idea_facts(idea), actor) if t.action == action), None)
        except Refusal as refusal:
            db.session.rollback()
            if row is None or refusal.field not in row.inputs:
                raise
            form.show(refusal)
            status = refusal.status
        else:
            flash(f"Done. The idea is now {done.target.phrase}.", "success")
            return redirect(url_for("pipeline.detail", idea_id=idea.id))
    elif row is None:
        check(action, facts, actor)  # not offered now: answer why, with the refusal's status
    elif form.is_submitted():
        status = 422
    # After a conflict the action may be gone: its fields stay on the page with what was typed.
    shown = row or next(t for t in TRANSITIONS if t.action == action)
    if row is not None:
        form.mark_needed(row.needs, f"before you {row.label.lower()}")
    return render_template("pipeline/action.html", idea=idea, row=shown, possible=row is not None,
                           form=form), status


@bp.route("/<int:idea_id>/mentor", methods=["GET", "POST"])
@login_required
def mentor(idea_id: int):
    """An administrator reassigns the idea's mentor, with a reason."""
    idea = visible_idea(idea_id)
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    form, status = ActionForm(data={"version": idea.version} if request.method == "GET" else None), 200
    form.mentor.choices = _mentor_choices()
    if form.validate_on_submit():
        chosen = parse_int(form.mentor.data)
        try:
            reassign_mentor(idea, current_user, chosen, form.reason.data, form.version.data)
            db.session.commit()
        except Refusal as refusal:
            db.session.rollback()
            form.show(refusal)
            status = refusal.status
        else:
            flash(f"{idea.mentor.name} is now the idea's mentor.", "success")
            return redirect(url_for("pipeline.detail", idea_id=idea.id))
    elif form.is_submitted():
        status = 422
    return render_template("pipeline/mentor.html", idea=idea, form=form), status


def _mentor_choices() -> list:
    """Only an administrator assigns a mentor; a mentor claims an idea for themselves."""
    if not current_user.has_role(Role.ADMIN):
        return []
    return options("Choose a mentor", ((m.id, m.name) for m in active_users_with(Role.MENTOR)))
