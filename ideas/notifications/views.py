"""The inbox (open a notification to land on its place; mark read, mark all read) and the preferences page."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import update

from ideas.clock import utcnow
from ideas.database import db, write_alone
from ideas.notifications.forms import InboxForm, PreferencesForm
from ideas.notifications.kinds import KINDS
from ideas.notifications.models import Notification
from ideas.notifications.operations import mark_all_read, mark_read, preferences_of, save_preferences
from ideas.notifications.queries import inbox as inbox_page
from ideas.notifications.queries import own_notification, unread_count
from ideas.web import attempt, form_status, page_number

bp = Blueprint("notifications", __name__)


@bp.app_template_global()
def unread_notifications() -> int:
    """For the header: how many of the signed-in person's notifications are unread."""
    return unread_count(current_user.id) if current_user.is_authenticated else 0


def _own(notification_id: int) -> Notification:
    notification = own_notification(notification_id, current_user.id)
    if notification is None:
        abort(404)
    return notification


@bp.get("/notifications")
@login_required
def inbox():
    page = page_number()
    notifications, more = inbox_page(current_user.id, page)
    return render_template("notifications/inbox.html", notifications=notifications, more=more, page=page,
                           form=InboxForm(), kinds=KINDS)


@bp.get("/notifications/<int:notification_id>/open", endpoint="open")
@login_required
def open_notification(notification_id: int):
    """Mark it read and go to its place: the review section, the vote form, the comment."""
    notification = _own(notification_id)
    kind = KINDS[notification.kind]
    values = {"idea_id": notification.idea_id} if notification.idea_id else {}
    target = url_for(kind.endpoint, **values) + (f"#{notification.anchor}" if notification.anchor else "")
    if notification.read_at is None:  # a link from an e-mail is a GET: the one write goes in its own transaction
        write_alone(update(Notification).where(Notification.id == notification.id,
                                               Notification.read_at.is_(None)).values(read_at=utcnow()))
    return redirect(target)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    notification = _own(notification_id)
    if not InboxForm().validate_on_submit():
        abort(400)
    mark_read(notification)
    db.session.commit()
    return redirect(url_for("notifications.inbox"))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    if not InboxForm().validate_on_submit():
        abort(400)
    count = mark_all_read(current_user._get_current_object())
    db.session.commit()
    flash(f"Marked {count} notification{'' if count == 1 else 's'} read.", "success")
    return redirect(url_for("notifications.inbox"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    """How the person hears about each kind of event: e-mail at once, in the app only, or a daily digest."""
    user = current_user._get_current_object()
    form = PreferencesForm(data=preferences_of(user))
    if form.validate_on_submit():
        chosen = {name: form[name].data for name in KINDS}
        if attempt(form, lambda: save_preferences(user, chosen)) is None:
            flash("Saved how you hear about each kind of event.", "success")
            return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, kinds=KINDS), form_status(form)
