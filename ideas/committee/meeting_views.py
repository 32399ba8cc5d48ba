"""Committee meetings: date, attendance, minutes, and the agenda items assigned to each."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ideas.accounts.models import Role
from ideas.accounts.queries import active_users_with
from ideas.clock import local_today
from ideas.committee import operations as ops
from ideas.committee.meeting_forms import AgendaForm, MeetingForm, NewMeetingForm
from ideas.committee.models import Meeting, VotingRound
from ideas.committee.queries import agenda_of, meetings_by_date, unscheduled_rounds
from ideas.database import db, parse_int
from ideas.errors import Conflict
from ideas.forms import options
from ideas.settings import get_setting
from ideas.web import attempt, page_number, role_required

bp = Blueprint("meetings", __name__, url_prefix="/committee/meetings")
MEETINGS_PER_PAGE = 20
# How a decided agenda item reads: the action that closed its round.
OUTCOMES = {"approve_pilot": "Pilot approved", "approve_scale_up": "Scale-up approved", "decline": "Declined",
            "return_to_mentor": "Returned to the mentor", "withdraw": "Withdrawn by its submitter",
            "extend_pilot": "Pilot extended", "stop": "Stopped"}

committee_required = role_required(Role.COMMITTEE)
readers_required = role_required(Role.COMMITTEE, Role.ADMIN)  # an administrator reads the record


def _index_page(form: NewMeetingForm, status: int = 200):
    today = local_today(get_setting("time_zone"))
    results = db.paginate(meetings_by_date(today), page=page_number(),
                          per_page=MEETINGS_PER_PAGE, error_out=False)
    return render_template("committee/meetings.html", form=form, results=results, today=today,
                           may_edit=current_user.has_role(Role.COMMITTEE)), status


@bp.get("")
@readers_required
def index():
    return _index_page(NewMeetingForm(formdata=None))


@bp.post("")
@committee_required
def create():
    form = NewMeetingForm()
    if not form.validate_on_submit():
        return _index_page(form, 422)
    created = []
    refusal = attempt(form, lambda: created.append(ops.create_meeting(
        current_user, {"title": form.title.data, "held_on": form.held_on.data})))
    if refusal:
        return _index_page(form, refusal.status)
    flash("Meeting added. Record who attends, the minutes and its agenda here.", "success")
    return redirect(url_for("meetings.detail", meeting_id=created[0].id))


# --- one meeting ------------------------------------------------------------------------------------

def _meeting_form(meeting: Meeting, posted: bool) -> MeetingForm:
    """The record's form, from the request when it was the form posted, else from the meeting."""
    if posted:
        form = MeetingForm()
    else:
        form = MeetingForm(formdata=None, data={
            "title": meeting.title, "held_on": meeting.held_on.isoformat(), "minutes": meeting.minutes,
            "attendees": [str(u.id) for u in meeting.attendees], "version": meeting.version})
    members = active_users_with(Role.COMMITTEE)
    former = [u for u in meeting.attendees if u not in members]  # a past attendee stays ticked
    form.attendees.choices = [(str(u.id), u.name) for u in members + former]
    return form


def _agenda_form(form: AgendaForm | None = None) -> AgendaForm:
    form = form or AgendaForm(formdata=None)
    form.round.choices = options("Choose an idea waiting for the committee",
                                 ((r.id, f"{idea.title} · {r.gate.label}") for r, idea in unscheduled_rounds()))
    return form


def _page(meeting: Meeting, status: int = 200, form: MeetingForm | None = None,
          agenda_form: AgendaForm | None = None, remove_form: AgendaForm | None = None):
    agenda = agenda_of(meeting.id)
    may_edit = current_user.has_role(Role.COMMITTEE)
    return render_template(
        "committee/meeting.html", meeting=meeting, may_edit=may_edit, outcomes=OUTCOMES,
        open_items=[(r, idea) for r, idea in agenda if r.closed_at is None],
        decided=[(r, idea) for r, idea in agenda if r.closed_at is not None],
        form=form or _meeting_form(meeting, posted=False), agenda_form=_agenda_form(agenda_form),
        remove_form=remove_form), status


@bp.get("/<int:meeting_id>")
@readers_required
def detail(meeting_id: int):
    return _page(db.get_or_404(Meeting, meeting_id))


@bp.post("/<int:meeting_id>")
@committee_required
def save(meeting_id: int):
    """Title, date, attendance and minutes, saved together at the version the form was shown with."""
    meeting = db.get_or_404(Meeting, meeting_id)
    form = _meeting_form(meeting, posted=True)
    if not form.validate_on_submit():
        return _page(meeting, 422, form=form)
    changes = {}
    refusal = attempt(form, lambda: changes.update(
        ops.update_meeting(meeting, current_user, form.meeting_fields(), form.version.data)))
    if refusal:
        if isinstance(refusal, Conflict):
            form.version.data = meeting.version  # warned: saving again overwrites the other change
        return _page(meeting, refusal.status, form=form)
    flash("Meeting saved." if changes else "Nothing was changed.", "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


def _posted_round(form: AgendaForm, allowed: set[int]) -> VotingRound | None:
    """The round the form names, when it is one of `allowed`."""
    round_id = parse_int(form.round.data)
    return db.session.get(VotingRound, round_id) if round_id in allowed else None


def _agenda_answer(meeting: Meeting, form: AgendaForm, round_: VotingRound | None, to: Meeting | None,
                   done: str, removing: bool = False):
    forms = {"remove_form" if removing else "agenda_form": form}
    if round_ is None:
        return _page(meeting, 422, **forms)
    refusal = attempt(form, lambda: ops.schedule(round_, to, current_user))
    if refusal:
        return _page(meeting, refusal.status, **forms)
    flash(done, "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="agenda"))


@bp.post("/<int:meeting_id>/agenda")
@committee_required
def add_item(meeting_id: int):
    """Put an open round, on no meeting's agenda yet, on this meeting's agenda."""
    meeting = db.get_or_404(Meeting, meeting_id)
    form = AgendaForm()
    if not form.validate_on_submit():
        abort(400)
    round_ = _posted_round(form, {r.id for r, _ in unscheduled_rounds()})
    if round_ is None:
        form.round.errors = [*form.round.errors, "Agenda item: that idea is no longer waiting for the committee, "
                             "or is already on a meeting's agenda; choose one from the list." if form.round.data
                             else "Agenda item: choose an idea waiting for the committee."]
    return _agenda_answer(meeting, form, round_, meeting, "Added to the agenda.")


@bp.post("/<int:meeting_id>/agenda/remove")
@committee_required
def remove_item(meeting_id: int):
    """Take an open item off this meeting's agenda; it waits for another meeting."""
    meeting = db.get_or_404(Meeting, meeting_id)
    form = AgendaForm()
    if not form.validate_on_submit():
        abort(400)
    round_ = _posted_round(form, {r.id for r, _ in agenda_of(meeting.id)})
    if round_ is None:
        form.form_errors.append("Agenda item: that idea is not on this meeting's agenda.")
    return _agenda_answer(meeting, form, round_, None, "Taken off the agenda; it waits for another meeting.",
                          removing=True)
