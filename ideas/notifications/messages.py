"""The e-mail for one notification or a day's digest: a plain-text and an HTML part, links back to the app.

Only what the inbox shows goes in (what happened, the idea's number and title): no free text, no tokens.
"""
from flask import current_app

SUBJECT_LENGTH = 300


def link(endpoint: str, **values: object) -> str:
    """An absolute link under PUBLIC_BASE_URL (url_for needs a request, and the cron commands have none)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def email_for(user, notifications: list) -> dict[str, str]:
    """Subject, text and HTML of the e-mail telling `user` about these notifications (one, or a digest)."""
    items = [{"text": n.text[:1].upper() + n.text[1:], "link": link("notifications.open", notification_id=n.id)}
             for n in notifications]
    subject = items[0]["text"] if len(items) == 1 else f"Frontline Ideas: {len(items)} updates today"
    context = {"name": user.name, "items": items, "digest": len(items) > 1,
               "inbox": link("notifications.inbox"), "preferences": link("notifications.preferences")}
    env = current_app.jinja_env
    return {"subject": subject[:SUBJECT_LENGTH],
            "text_body": env.get_template("notifications/email.txt").render(context),
            "html_body": env.get_template("notifications/email.html").render(context)}
