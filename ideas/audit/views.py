"""The admin's audit page: filter and page through events, verify, export, redact a value."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, \
    stream_with_context, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from ideas.accounts.models import Role, Unit, User
from ideas.audit.export import CONTENT_TYPES, export_chunks, record_export
from ideas.audit.forms import AuditFilterForm, ExportForm, RedactForm
from ideas.audit.models import AuditEvent
from ideas.audit.operations import redact, redactable_fields
from ideas.audit.queries import Page, distinct_values, page_of_events
from ideas.audit.verify import verify_trail
from ideas.audit.words import entity, sentence
from ideas.database import BIGINT_MAX, db
from ideas.errors import Invalid
from ideas.extensions import htmx
from ideas.pipeline.models import Idea
from ideas.timeline.entries import changes_of, person_ids, unit_ids
from ideas.web import number_arg, render

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
MAX_SEQUENCE = BIGINT_MAX


@bp.before_request
@login_required
def admins_only():
    if not current_user.has_role(Role.ADMIN):
        abort(403)


def _offer(form: AuditFilterForm) -> AuditFilterForm:
    return form.offer(distinct_values(AuditEvent.action), distinct_values(AuditEvent.entity_type))


def _events_page(form: AuditFilterForm):
    valid = form.validate()
    page = Page([], None, None)
    if valid:
        conditions = form.audit_filter().conditions(current_app.config["HOSPITAL_TIME_ZONE"])
        page = page_of_events(conditions, before=number_arg("before", MAX_SEQUENCE, 0),
                               after=number_arg("after", MAX_SEQUENCE, 0))
    # htmx swaps only 2xx answers, so the fragment with its errors comes back as 200.
    status = 200 if valid or htmx else 422
    return render("audit/index.html", "audit/_events.html", form=form, listing=page, words=in_words(page.events),
                  filter_args=form.query_args()), status


@bp.get("")
def index():
    return _events_page(_offer(AuditFilterForm(request.args)))


@bp.get("/verify")
def verify():
    return render("audit/verify.html", "audit/_verify.html", report=verify_trail())


@bp.post("/export")
def export():
    form = _offer(ExportForm())
    if not form.validate():
        return _events_page(form)
    audit_filter, fmt = form.audit_filter(), form.format.data
    through = record_export(audit_filter, fmt)
    db.session.commit()
    cfg = current_app.config
    chunks = export_chunks(audit_filter, fmt, through, cfg["AUDIT_KEY"], cfg["HOSPITAL_TIME_ZONE"])
    return Response(stream_with_context(chunks), content_type=CONTENT_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="audit-through-{through}.{fmt}"'})


def in_words(events) -> dict:
    """Each event's changes with names for ids (users, units), and the titles of the ideas they touch."""
    people = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(person_ids(events)))).all())
    units = {u.id: u.label for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids(events))))}
    titles = dict(db.session.execute(select(Idea.id, Idea.title).where(
        Idea.id.in_({e.idea_id for e in events if e.idea_id}))).all())
    return {"changes": {e.sequence: changes_of(e, units, people, hidden=frozenset()) for e in events},
            "titles": titles, "sentence": sentence, "entity": entity}


def _redact_form(event: AuditEvent) -> RedactForm:
    form = RedactForm()
    form.field.choices = [SelectChoice(name) for name in redactable_fields(event)]
    return form


@bp.get(f"/events/<int(max={MAX_SEQUENCE}):sequence>")
def event(sequence: int):
    audit_event = db.get_or_404(AuditEvent, sequence)
    return render_template("audit/event.html", event=audit_event, form=_redact_form(audit_event))


@bp.post(f"/events/<int(max={MAX_SEQUENCE}):sequence>/redact")
def redact_value(sequence: int):
    audit_event = db.get_or_404(AuditEvent, sequence)
    form = _redact_form(audit_event)
    if form.validate_on_submit():
        try:
            redaction = redact(audit_event, form.field.data, form.reason.data, current_user._get_current_object())
        except Invalid as refusal:
            db.session.rollback()
            getattr(form, refusal.field).errors.append(refusal.message)
        else:
            db.session.commit()
            flash(f"The stored values of {form.field.data!r} in event {sequence} are removed. Event "
                  f"{redaction.sequence} records who redacted them, when and why.", "success")
            return redirect(url_for("audit.event", sequence=sequence))
    return render_template("audit/event.html", event=audit_event, form=form), 422
