"""Administration pages under /admin/: users, sites and units, pairings, settings."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ideas.accounts import two_factor
from ideas.accounts.handover import WorkItem, open_work
from ideas.accounts.invites import issue_invite
from ideas.accounts.models import MentorPairing, Role, Site, Unit, User, UserRole
from ideas.accounts.operations import create_user, deactivate_user, reactivate_user, update_user
from ideas.accounts.pairings import end_pairing, mentor_of, open_pairings_as_mentor, pair_mentee
from ideas.accounts.queries import active_users_with, all_sites, name_or_email_contains
from ideas.accounts.units import create_site, create_unit, rename_site, rename_unit
from ideas.admin.forms import (
    NameForm, PairingForm, ResetTwoFactorForm, UnitForm, UserFilterForm, UserForm, handover_form, settings_form,
)
from ideas.database import db
from ideas.errors import Refusal
from ideas.extensions import login_manager
from ideas.forms import options, unit_choices
from ideas.settings import all_settings
from ideas.settings.definitions import DEFINITIONS, time_zone_names
from ideas.settings.operations import change_settings
from ideas.web import form_status, number_arg, page_number, render

bp = Blueprint("admin", __name__, url_prefix="/admin")
USERS_PER_PAGE = 50


@bp.before_request
def admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    return None


def refused(form, refusal: Refusal) -> None:
    """Undo the half-done change and show the refusal on its field, or above the form."""
    db.session.rollback()
    if refusal.field and refusal.field in form:
        form[refusal.field].errors.append(refusal.message)
    else:
        form.form_errors.append(refusal.message)


def attempt(form, change) -> tuple[bool, object]:
    """Run the change and commit it; or roll it back and show why on the form."""
    try:
        result = change()
    except Refusal as refusal:
        refused(form, refusal)
        return False, None
    db.session.commit()
    return True, result


def one_click(change, done: str, back: str):
    """A button's change: commit and say so, or roll back and say why; then go back."""
    try:
        change()
    except Refusal as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(back)


def form_page(template: str, form, **context):
    """The page; 422 when a sent form has errors (the user's input is kept in it)."""
    return render_template(template, form=form, **context), form_status(form)


# Users ---------------------------------------------------------------------------------

@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/users")
def users():
    form = UserFilterForm(request.args)
    query = (select(User).options(joinedload(User.home_unit).joinedload(Unit.site))
             .order_by(func.lower(User.name), User.id))
    if text := (form.q.data or "").strip():
        query = query.where(name_or_email_contains(text))
    if form.role.data in Role._value2member_map_:
        query = query.where(User.role_rows.any(UserRole.role == Role(form.role.data)))
    if form.status.data != "all":
        query = query.where(User.active.is_(form.status.data != "inactive"))
    results = db.paginate(query, page=page_number(), per_page=USERS_PER_PAGE,
                       error_out=False, count=True)
    filters = {key: value for key, value in request.args.items() if key in ("q", "role", "status") and value}
    return render("admin/users.html", "admin/_user_results.html", form=form, results=results, filters=filters)


def _user_form(user: User | None = None) -> UserForm:
    data = None if user is None else {"name": user.name, "email": user.email, "home_unit": user.home_unit_id,
                                      "roles": [role.value for role in user.roles]}
    form = UserForm(data=data)
    form.home_unit.choices = unit_choices(all_sites(), "No home unit")
    return form


def _home_unit(form: UserForm) -> Unit | None:
    return db.session.get(Unit, form.home_unit.data) if form.home_unit.data else None


def _invite_page(user: User, token: str, new_user: bool):
    link = url_for("accounts.accept_invite", token=token, _external=True)
    return render_template("admin/invite_link.html", user=user, link=link, new_user=new_user,
                           hours=current_app.config["INVITE_HOURS"])


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = _user_form()

    def add():
        user = create_user(form.email.data, form.name.data, form.role_set(), home_unit=_home_unit(form))
        return user, issue_invite(user)

    if form.validate_on_submit():
        ok, added = attempt(form, add)
        if ok:
            return _invite_page(*added, new_user=True)
    return form_page("admin/user_form.html", form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        ok, changed = attempt(form, lambda: update_user(user, email=form.email.data, name=form.name.data,
                                                        roles=form.role_set(), home_unit=_home_unit(form)))
        if ok:
            flash(f"Saved {user.name}." if changed else "Nothing was changed.", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return form_page("admin/user_form.html", form, user=user, mentor=mentor_of(user),
                     mentees=[p.mentee for p in open_pairings_as_mentor(user)], work=open_work(user))


@bp.post("/users/<int:user_id>/invite")
def invite_user(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        token = issue_invite(user)
    except Refusal as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    db.session.commit()
    return _invite_page(user, token, new_user=False)


def _successor_choices(items: list[WorkItem], leaving: User) -> dict[Role, list[User]]:
    return {role: [u for u in active_users_with(role) if u.id != leaving.id]
            for role in {item.successor_role for item in items}}


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
def deactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    if not user.active:
        flash(f"{user.name} is already deactivated.", "info")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    items = open_work(user)
    form = handover_form(items, _successor_choices(items, user))
    if form.validate_on_submit():
        if unseen := [item for item in items if item.key not in request.form]:
            form.form_errors.append("More open work appeared while you were choosing: "
                                    + "; ".join(item.summary for item in unseen) + ". Choose who takes it over.")
        else:
            successors = {item.key: db.session.get(User, form[item.key].data) if form[item.key].data else None
                          for item in items}
            ok, done = attempt(form, lambda: deactivate_user(user, successors, form.reason.data or None))
            if ok:
                flash(f"{user.name} is deactivated and signed out everywhere.", "success")
                for sentence in done:
                    flash(sentence, "info")
                return redirect(url_for("admin.edit_user", user_id=user.id))
    return form_page("admin/deactivate.html", form, user=user, items=items)


@bp.route("/users/<int:user_id>/two-factor-reset", methods=["GET", "POST"])
def reset_two_factor(user_id: int):
    """Turn off a user's two-step sign-in (a lost phone); they set it up again at their next sign-in."""
    user = db.get_or_404(User, user_id)
    form = ResetTwoFactorForm()
    if form.validate_on_submit() and attempt(form, lambda: two_factor.reset(user, form.reason.data))[0]:
        flash(f"{user.name}'s two-step sign-in is reset and they are signed out everywhere.", "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return form_page("admin/reset_two_factor.html", form, user=user)


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    return one_click(lambda: reactivate_user(user), f"{user.name} is active again and can sign in.",
                     url_for("admin.edit_user", user_id=user.id))


# Sites and units -----------------------------------------------------------------------

def _unit_form(sites: list[Site], **kwargs) -> UnitForm:
    form = UnitForm(prefix="unit", **kwargs)
    form.site.choices = options("Choose a site", ((site.id, site.name) for site in sites))
    return form


def _sites_page(site_form: NameForm, unit_form: UnitForm, sites: list[Site], status: int = 200):
    return render_template("admin/sites.html", site_form=site_form, unit_form=unit_form, sites=sites), status


@bp.get("/sites")
def sites():
    sites = all_sites()
    return _sites_page(NameForm(prefix="site"), _unit_form(sites), sites)


@bp.post("/sites")
def add_site():
    form = NameForm(prefix="site")
    if form.validate_on_submit():
        ok, site = attempt(form, lambda: create_site(form.name.data))
        if ok:
            flash(f"Added the site {site.name}.", "success")
            return redirect(url_for("admin.sites"))
    sites = all_sites()
    return _sites_page(form, _unit_form(sites, formdata=None), sites, 422)


@bp.post("/units")
def add_unit():
    form = _unit_form(all_sites())
    if form.validate_on_submit():
        ok, unit = attempt(form, lambda: create_unit(db.get_or_404(Site, form.site.data), form.name.data))
        if ok:
            flash(f"Added the unit {unit.label}.", "success")
            return redirect(url_for("admin.sites"))
    return _sites_page(NameForm(prefix="site", formdata=None), form, all_sites(), 422)


def _rename(thing: Site | Unit, rename, what: str):
    form = NameForm(data={"name": thing.name})
    if form.validate_on_submit() and attempt(form, lambda: rename(thing, form.name.data))[0]:
        flash(f"Saved the {what} {thing.name}.", "success")
        return redirect(url_for("admin.sites"))
    return form_page("admin/rename.html", form, thing=thing, what=what)


@bp.route("/sites/<int:site_id>", methods=["GET", "POST"])
def edit_site(site_id: int):
    return _rename(db.get_or_404(Site, site_id), rename_site, "site")


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def edit_unit(unit_id: int):
    return _rename(db.get_or_404(Unit, unit_id), rename_unit, "unit")


# Pairings ------------------------------------------------------------------------------

def _pairing_form() -> PairingForm:
    form = PairingForm(data={"mentee": number_arg("mentee")})
    form.mentee.choices = options("Choose a mentee", ((u.id, u.name) for u in active_users_with(Role.MENTEE)))
    form.mentor.choices = options("Choose a mentor", ((u.id, u.name) for u in active_users_with(Role.MENTOR)))
    return form


def _pairings_page(form: PairingForm):
    pairings = list(db.session.scalars(
        select(MentorPairing).where(MentorPairing.ended_at.is_(None))
        .options(joinedload(MentorPairing.mentee), joinedload(MentorPairing.mentor),
                 joinedload(MentorPairing.created_by))
        .join(MentorPairing.mentee).order_by(func.lower(User.name))))
    paired = {p.mentee_id for p in pairings}
    unpaired = [u for u in active_users_with(Role.MENTEE) if u.id not in paired]
    return form_page("admin/pairings.html", form, pairings=pairings, unpaired=unpaired)


@bp.get("/pairings")
def pairings():
    return _pairings_page(_pairing_form())


@bp.post("/pairings")
def add_pairing():
    form = _pairing_form()
    if form.validate_on_submit():
        mentee, mentor = db.session.get(User, form.mentee.data), db.session.get(User, form.mentor.data)
        if mentee is None or mentor is None:
            form.form_errors.append("That person no longer exists; reload the page and choose again.")
        elif attempt(form, lambda: pair_mentee(mentee, mentor))[0]:
            flash(f"{mentor.name} is now {mentee.name}'s mentor.", "success")
            return redirect(url_for("admin.pairings"))
    return _pairings_page(form)


@bp.post("/pairings/<int:pairing_id>/end")
def finish_pairing(pairing_id: int):
    pairing = db.get_or_404(MentorPairing, pairing_id)
    return one_click(lambda: end_pairing(pairing),
                     f"{pairing.mentee.name} no longer has {pairing.mentor.name} as mentor.", url_for("admin.pairings"))


# Settings ------------------------------------------------------------------------------

@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = settings_form(all_settings())
    if form.validate_on_submit():
        ok, changed = attempt(form, lambda: change_settings({name: form[name].data for name in DEFINITIONS}))
        if ok:
            flash("Saved: " + ", ".join(DEFINITIONS[n].label for n in changed) + "." if changed
                  else "Nothing was changed.", "success")
            return redirect(url_for("admin.settings"))
    return form_page("admin/settings.html", form, definitions=DEFINITIONS, time_zones=sorted(time_zone_names()))
