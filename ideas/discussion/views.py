"""The idea's discussion: posting, editing and removing one's own comment, and @mention suggestions."""
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ideas.accounts.queries import find_colleagues
from ideas.database import db
from ideas.discussion.forms import CommentForm
from ideas.discussion.markdown import render_markdown
from ideas.discussion.mentions import handle_of, named_mentions
from ideas.discussion.models import Comment
from ideas.discussion.operations import edit_comment, post_comment, remove_comment
from ideas.errors import Refusal
from ideas.pipeline.facts import actor_facts, idea_facts
from ideas.pipeline.views import visible_idea
from ideas.pipeline.workflow import can_see

bp = Blueprint("discussion", __name__, url_prefix="/ideas")
TYPING = re.compile(r"(?<![\w.])@([\w.-]{2,64})$")


@bp.app_template_filter("markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@bp.app_template_filter("named_mentions")
def named_mentions_filter(html, comment):
    """The comment's @mentions by name (its mentions loaded with their people)."""
    return named_mentions(html, {handle_of(m.user.email): m.user.name for m in comment.mentions})


def _comment(idea_id: int, comment_id: int) -> tuple:
    idea = visible_idea(idea_id)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.idea_id != idea.id:
        abort(404)
    return idea, comment


def _at_comment(idea_id: int, comment_id: int):
    return redirect(url_for("pipeline.detail", idea_id=idea_id, _anchor=f"comment-{comment_id}"))


@bp.post("/<int:idea_id>/comments")
@login_required
def post(idea_id: int):
    idea = visible_idea(idea_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = post_comment(idea, current_user._get_current_object(), form.body.data)
            db.session.commit()
        except Refusal as refusal:
            db.session.rollback()
            form.show(refusal)
            return render_template("discussion/comment_page.html", idea=idea, form=form, comment=None), refusal.status
        flash("Comment posted.", "success")
        return _at_comment(idea.id, comment.id)
    return render_template("discussion/comment_page.html", idea=idea, form=form, comment=None), 422


@bp.route("/<int:idea_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(idea_id: int, comment_id: int):
    idea, comment = _comment(idea_id, comment_id)
    if comment.author_id != current_user.id or comment.removed:
        abort(403)
    form, status = CommentForm(data={"body": comment.body, "version": comment.version}
                               if request.method == "GET" else None), 200
    if form.validate_on_submit():
        try:
            edit_comment(comment, idea, current_user._get_current_object(), form.body.data, form.version.data)
            db.session.commit()
        except Refusal as refusal:
            db.session.rollback()
            form.show(refusal)
            status = refusal.status
        else:
            flash("Comment updated.", "success")
            return _at_comment(idea.id, comment.id)
    elif form.is_submitted():
        status = 422
    return render_template("discussion/comment_page.html", idea=idea, form=form, comment=comment), status


@bp.post("/<int:idea_id>/comments/<int:comment_id>/delete")
@login_required
def delete(idea_id: int, comment_id: int):
    idea, comment = _comment(idea_id, comment_id)
    form = CommentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        remove_comment(comment, current_user._get_current_object(), form.version.data)
        db.session.commit()
    except Refusal as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        if refusal.status == 403:
            abort(403)
    else:
        flash("Comment removed.", "success")
    return _at_comment(idea.id, comment.id)


@bp.get("/<int:idea_id>/mentions")
@login_required
def mentions(idea_id: int):
    """People who can see the idea whose name or e-mail starts like the @word being typed at the text's end."""
    idea = visible_idea(idea_id)
    typing = TYPING.search((request.args.get("body") or "")[-200:])
    query = typing.group(1) if typing else ""
    facts = idea_facts(idea)
    found = [user for user in find_colleagues(query, current_user, limit=20)
             if can_see(facts, actor_facts(user))][:6] if len(query) >= 2 else []
    return render_template("discussion/_mentions.html", people=[(u.name, handle_of(u.email)) for u in found])
