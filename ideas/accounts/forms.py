"""Sign-in and password forms."""
from flask import current_app
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ideas.forms import ShowsRefusals, WebForm


class SignInForm(WebForm):
    email = EmailField("E-mail", validators=[
        DataRequired("Enter your e-mail address."),
        Length(max=254, message="An e-mail address has at most 254 characters."),
        Email("Enter an e-mail address like name@hospital.example.", check_deliverability=False),
    ])
    password = PasswordField("Password", validators=[
        DataRequired("Enter your password."), Length(max=1024, message="That is longer than any password here.")])


def strong_enough(form: WebForm, field) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(f"Use at least {minimum} characters; a short sentence is easy to remember.")


class SetPasswordForm(WebForm):
    """A new password, typed twice (the one-time link's page)."""

    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password."),
                    Length(max=1024, message="Use at most 1024 characters."), strong_enough],
    )
    confirm_password = PasswordField(
        "New password again",
        validators=[DataRequired("Enter the new password again."),
                    EqualTo("new_password", "The two new passwords are not the same.")],
    )


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])


class CodeForm(ShowsRefusals, WebForm):
    code = StringField("6-digit code", validators=[DataRequired("Enter the code from your authenticator app."),
                                                   Length(max=12, message="The code has 6 digits.")])


class SignInCodeForm(WebForm):
    code = StringField("6-digit code, or a recovery code", validators=[
        DataRequired("Enter the code from your authenticator app, or one of your recovery codes."),
        Length(max=20, message="A code has 6 digits; a recovery code has 12 letters and digits.")])


class ConfirmPasswordForm(ShowsRefusals, WebForm):
    current_password = PasswordField("Your password", validators=[
        DataRequired("Enter your password."), Length(max=1024, message="That is longer than any password here.")])


class ReplaceTwoFactorForm(ConfirmPasswordForm):
    current_code = StringField("Code from the app you use now", validators=[
        DataRequired("Enter the current code from the app you use now."),
        Length(max=12, message="The code has 6 digits.")])
    new_code = StringField("Code from the new app", validators=[
        DataRequired("Enter the code the new app shows."), Length(max=12, message="The code has 6 digits.")])
